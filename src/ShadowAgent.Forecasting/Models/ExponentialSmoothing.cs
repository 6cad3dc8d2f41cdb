namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// Holt-Winters exponential smoothing in its innovations state-space form with additive errors, ETS(A,·,·)
/// (Hyndman, Koehler, Ord &amp; Snyder 2008, "Forecasting with Exponential Smoothing", ch. 2 and 6): trend
/// none / additive / damped, season none / additive / multiplicative. With e the one-step error and
/// φ_h = φ + … + φ^h:
/// <code>
/// additive season:        ŷ = l + φb + s,      l ← l + φb + αe,    b ← φb + βe,    s ← s + γe
/// multiplicative season:  ŷ = (l + φb)·s,   l ← l + φb + αe/s,  b ← φb + βe/s,  s ← s + γe/(l + φb)
/// </code>
/// </summary>
/// <remarks>
/// Forecast variance: for the linear models (no or additive season) the exact h-step variance of the class-1
/// models (Hyndman et al. 2008, §6.3): σ²·(1 + Σ_{j=1}^{h−1} c_j²) with c_j = α + βφ_j + γ·[j mod m = 0].
/// For a multiplicative season there is no closed form for additive errors; the same sum is used with the
/// level and slope terms scaled by the forecast step's seasonal factor (α + βφ_j)·s_h, which is exact when
/// the factors are 1 and close when they are near it. Update is allocation-free.
/// </remarks>
internal sealed class ExponentialSmoothing : ForecastModel
{
    private readonly double[] _season;
    private double _level;
    private double _slope;
    private int _phase;
    private double _sigma2;

    public ExponentialSmoothing(EtsTrend trend, EtsSeason season, int period)
    {
        Trend = trend;
        Season = season;
        var m = season == EtsSeason.None ? 1 : period;
        if (m < 2 && season != EtsSeason.None)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A seasonal model needs a period of at least 2.");
        }

        _season = new double[m];
    }

    public EtsTrend Trend { get; }

    public EtsSeason Season { get; }

    public EtsParameters Parameters { get; private set; }

    public override string Name => Describe(Trend, Season, Period);

    public override int Period => Season == EtsSeason.None ? 0 : _season.Length;

    public override double Sigma2 => _sigma2;

    /// <summary>Current level.</summary>
    public double Level => _level;

    /// <summary>Current slope (0 without a trend).</summary>
    public double Slope => _slope;

    /// <summary>The seasonal component of step <paramref name="ahead"/> (1 = the next value).</summary>
    public double SeasonAt(int ahead) => Season switch
    {
        EtsSeason.None => 0,
        _ => _season[(_phase + ahead - 1) % _season.Length],
    };

    public static string Describe(EtsTrend trend, EtsSeason season, int period)
    {
        var t = trend switch { EtsTrend.None => "N", EtsTrend.Additive => "A", _ => "Ad" };
        var s = season switch { EtsSeason.None => "N", EtsSeason.Additive => "A", _ => "M" };
        return season == EtsSeason.None ? $"ETS(A,{t},{s})" : $"ETS(A,{t},{s})[{period}]";
    }

    /// <summary>Sets the parameters and the state before the first value (the season's phase 0 comes next).</summary>
    public void Reset(EtsParameters parameters, double level, double slope, ReadOnlySpan<double> season, double sigma2)
    {
        Parameters = parameters;
        _level = level;
        _slope = Trend == EtsTrend.None ? 0 : slope;
        if (Season == EtsSeason.None)
        {
            _season[0] = 0;
        }
        else
        {
            season.CopyTo(_season);
        }

        _phase = 0;
        _sigma2 = sigma2;
    }

    public override void Update(double value) => Step(value);

    /// <summary>Moves past <paramref name="value"/> and returns the one-step error it made.</summary>
    public double Step(double value)
    {
        var p = Parameters;
        var damped = Trend == EtsTrend.None ? 0 : Trend == EtsTrend.Damped ? p.Phi * _slope : _slope;
        var baseline = _level + damped;
        switch (Season)
        {
            case EtsSeason.None:
            {
                var e = value - baseline;
                _level = baseline + (p.Alpha * e);
                _slope = damped + (p.Beta * e);
                return e;
            }

            case EtsSeason.Additive:
            {
                var s = _season[_phase];
                var e = value - baseline - s;
                _level = baseline + (p.Alpha * e);
                _slope = damped + (p.Beta * e);
                _season[_phase] = s + (p.Gamma * e);
                _phase = _phase + 1 == _season.Length ? 0 : _phase + 1;
                return e;
            }

            default:
            {
                var s = _season[_phase];
                var e = value - (baseline * s);
                _level = baseline + (p.Alpha * e / s);
                _slope = damped + (p.Beta * e / s);
                _season[_phase] = s + (p.Gamma * e / baseline);
                _phase = _phase + 1 == _season.Length ? 0 : _phase + 1;
                return e;
            }
        }
    }

    public override void Forecast(Span<double> point, Span<double> variance)
    {
        var p = Parameters;
        var m = _season.Length;
        var seasonal = Season != EtsSeason.None;

        // c_j = a_j·scale + g_j with a_j = α + βφ_j and g_j = γ·[j mod m = 0]; the sums of a², a·g and g²
        // over j < h give the variance for any step's scale.
        double phiSum = 0, phiPower = 1, sumA2 = 0, sumAG = 0, sumG2 = 0;
        for (var i = 0; i < point.Length; i++)
        {
            if (Trend != EtsTrend.None)
            {
                phiPower *= Trend == EtsTrend.Damped ? p.Phi : 1;
                phiSum += phiPower;
            }

            var baseline = _level + (phiSum * _slope);
            var s = _season[(_phase + i) % m];
            point[i] = Season switch
            {
                EtsSeason.None => baseline,
                EtsSeason.Additive => baseline + s,
                _ => baseline * s,
            };

            var scale = Season == EtsSeason.Multiplicative ? s : 1;
            variance[i] = _sigma2 * (1 + (scale * scale * sumA2) + (2 * scale * sumAG) + sumG2);

            // Step h = i + 1 is j = h for the steps after it; φ_j is the sum just updated.
            var a = p.Alpha + (p.Beta * phiSum);
            var g = seasonal && (i + 1) % m == 0 ? p.Gamma : 0;
            sumA2 += a * a;
            sumAG += a * g;
            sumG2 += g * g;
        }
    }
}
