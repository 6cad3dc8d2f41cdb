namespace ShadowAgent.Forecasting.Statistics;

/// <summary>
/// The KPSS test of level stationarity (Kwiatkowski, Phillips, Schmidt &amp; Shin 1992, "Testing the null
/// hypothesis of stationarity against the alternative of a unit root", J. Econometrics 54): the statistic
/// Σ S_t² / (n²·s²(l)), S_t the partial sums of the demeaned series and s²(l) the Newey-West long-run variance
/// with Bartlett weights over l = ⌊3√n / 13⌋ lags (the short bandwidth, as in R's forecast::ndiffs). The
/// forecaster differences once when the statistic passes the 5% critical value.
/// </summary>
internal static class Kpss
{
    /// <summary>5% critical value of the level-stationarity statistic.</summary>
    public const double Critical5Percent = 0.463;

    public static double Statistic(ReadOnlySpan<double> series)
    {
        var n = series.Length;
        if (n < 4)
        {
            return 0;
        }

        var mean = 0.0;
        foreach (var v in series)
        {
            mean += v;
        }

        mean /= n;
        double partial = 0, eta = 0, variance = 0;
        foreach (var v in series)
        {
            var e = v - mean;
            partial += e;
            eta += partial * partial;
            variance += e * e;
        }

        var lags = Math.Min(n - 1, (int)(3 * Math.Sqrt(n) / 13));
        for (var s = 1; s <= lags; s++)
        {
            var sum = 0.0;
            for (var t = s; t < n; t++)
            {
                sum += (series[t] - mean) * (series[t - s] - mean);
            }

            variance += 2 * (1 - (s / (lags + 1.0))) * sum;
        }

        variance /= n;
        return variance > 0 ? eta / ((double)n * n * variance) : 0;
    }
}
