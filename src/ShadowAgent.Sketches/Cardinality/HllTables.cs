namespace ShadowAgent.Sketches.Cardinality;

/// <summary>
/// Constants that define DataSketches' HLL estimates. They are measured values published with the library
/// (coupon-count mapping, relative-error quantiles), kept identical so that our estimates and bounds match
/// theirs to the last bit.
/// </summary>
internal static class HllTables
{
    // Relative standard error of the coupon estimator at the LIST/SET → HLL transition (0.409 / 2^13).
    public const double CouponRse = 0.409 / (1 << 13);

    public static readonly double HipRseFactor = Math.Sqrt(Math.Log(2.0));

    public static readonly double NonHipRseFactor = Math.Sqrt((3.0 * Math.Log(2.0)) - 1.0);

    // 2^-v exactly, so the register sums are a multiply-free table lookup.
    public static readonly double[] InversePowersOf2 = BuildInversePowers();

    // Expected number of distinct coupons (x) against true count (y), for the cubic interpolation of the
    // coupon estimator; computed by DataSketches for 2^26 addresses.
    public static ReadOnlySpan<double> CouponX =>
    [
        0.0, 1.0, 20.0, 400.0, 8000.0, 160000.0, 300000.0, 600000.0, 900000.0, 1200000.0, 1500000.0, 1800000.0,
        2100000.0, 2400000.0, 2700000.0, 3000000.0, 3300000.0, 3600000.0, 3900000.0, 4200000.0, 4500000.0,
        4800000.0, 5100000.0, 5400000.0, 5700000.0, 6000000.0, 6300000.0, 6600000.0, 6900000.0, 7200000.0,
        7500000.0, 7800000.0, 8100000.0, 8400000.0, 8700000.0, 9000000.0, 9300000.0, 9600000.0, 9900000.0,
        10200000.0,
    ];

    public static ReadOnlySpan<double> CouponY =>
    [
        0.0000000000000000, 1.0000000000000000, 20.0000009437402611, 400.0003963713384110,
        8000.1589294602090376, 160063.6067763759638183, 300223.7071597663452849, 600895.5933856170158833,
        902016.8065120954997838, 1203588.4983199508860707, 1505611.8245524743106216, 1808087.9449319066479802,
        2111018.0231759352609515, 2414403.2270142501220107, 2718244.7282051891088486, 3022543.7025524540804327,
        3327301.3299219091422856, 3632518.7942584538832307, 3938197.2836029687896371, 4244337.9901093561202288,
        4550942.1100616492331028, 4858010.8438911894336343, 5165545.3961938973516226, 5473546.9757476449012756,
        5782016.7955296505242586, 6090956.0727340159937739, 6400366.0287892958149314, 6710247.8893762007355690,
        7020602.8844453142955899, 7331432.2482349723577499, 7642737.2192891482263803, 7954519.0404754765331745,
        8266778.9590033423155546, 8579518.2264420464634895, 8892738.0987390466034412, 9206439.8362383283674717,
        9520624.7036988288164139, 9835293.9703129194676876, 10150448.9097250290215015, 10466090.8000503256917000,
    ];

    // Empirical relative-error quantiles for lgK 4..12 and 1, 2, 3 standard deviations (three per lgK);
    // the upper-bound tables are negative because the bound is estimate / (1 + relErr) in both directions.
    private static ReadOnlySpan<double> HipLower =>
    [
        0.207316195, 0.502865572, 0.882303765, 0.146981579, 0.335426881, 0.557052, 0.104026721, 0.227683872,
        0.365888317, 0.073614601, 0.156781585, 0.245740374, 0.05205248, 0.108783763, 0.168030442, 0.036770852,
        0.075727545, 0.11593785, 0.025990219, 0.053145536, 0.080772263, 0.018373987, 0.037266176, 0.056271814,
        0.012936253, 0.02613829, 0.039387631,
    ];

    private static ReadOnlySpan<double> HipUpper =>
    [
        -0.207805347, -0.355574279, -0.475535095, -0.146988328, -0.262390832, -0.360864026, -0.103877775,
        -0.191503663, -0.269311582, -0.073452978, -0.138513438, -0.198487447, -0.051982806, -0.099703123,
        -0.144128618, -0.036768609, -0.07138158, -0.104430324, -0.025991325, -0.050854296, -0.0748143,
        -0.01834533, -0.036121138, -0.05327616, -0.012920332, -0.025572893, -0.037896952,
    ];

    private static ReadOnlySpan<double> NonHipLower =>
    [
        0.254409839, 0.682266712, 1.304022158, 0.181817353, 0.443389054, 0.778776219, 0.129432281, 0.295782195,
        0.49252279, 0.091640655, 0.201175925, 0.323664385, 0.064858051, 0.138523393, 0.218805328, 0.045851855,
        0.095925072, 0.148635751, 0.032454144, 0.067009668, 0.102660669, 0.022921382, 0.046868565, 0.071307398,
        0.016155679, 0.032825719, 0.049677541,
    ];

    private static ReadOnlySpan<double> NonHipUpper =>
    [
        -0.256980172, -0.411905944, -0.52651057, -0.182332109, -0.310275547, -0.412660505, -0.129314228,
        -0.230142294, -0.315636197, -0.091584836, -0.16834013, -0.236346847, -0.06487411, -0.122045231,
        -0.174112107, -0.04591465, -0.08784505, -0.126917615, -0.032433119, -0.062897613, -0.091862929,
        -0.022960633, -0.044875401, -0.065736049, -0.016186662, -0.031827816, -0.046973459,
    ];

    // Initial log2 size of the HLL_4 exception table by lgK (indexes 0..21).
    public static ReadOnlySpan<byte> LgAuxArrInts => [0, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12, 13];

    /// <summary>Signed relative error: the bound is <c>estimate / (1 + relErr)</c> for both sides.</summary>
    public static double RelativeError(bool upper, bool outOfOrder, int lgK, int numStdDev)
    {
        if (lgK > 12)
        {
            var rse = (numStdDev * (outOfOrder ? NonHipRseFactor : HipRseFactor)) / Math.Sqrt(1 << lgK);
            return upper ? -rse : rse;
        }

        var index = ((lgK - 4) * 3) + (numStdDev - 1);
        return (outOfOrder, upper) switch
        {
            (false, false) => HipLower[index],
            (false, true) => HipUpper[index],
            (true, false) => NonHipLower[index],
            (true, true) => NonHipUpper[index],
        };
    }

    private static double[] BuildInversePowers()
    {
        var table = new double[64];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = Math.ScaleB(1.0, -i);
        }

        return table;
    }
}
