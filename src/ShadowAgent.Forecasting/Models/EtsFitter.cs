using ShadowAgent.Forecasting.Statistics;

namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// Fits an <see cref="ExponentialSmoothing"/> model: initial states from the first seasons by a classical
/// decomposition (Hyndman et al. 2008, §2.6.1), then the smoothing parameters by minimizing the one-step
/// sum of squared errors with <see cref="NelderMead"/> in an unconstrained parametrization that keeps them
/// in the usual region 0 &lt; α &lt; 1, 0 &lt; β &lt; α, 0 &lt; γ &lt; 1 − α, 0.8 ≤ φ ≤ 0.98.
/// </summary>
/// <remarks>
/// The initial states are not optimized (with seasons of hundreds of steps that would be hundreds of
/// parameters); on series of thousands of values their effect is gone after a few seasons.
/// </remarks>
internal static class EtsFitter
{
    private const int MaxEvaluations = 400;
    private const double Tolerance = 1e-7;

    /// <summary>Seasons a seasonal model needs in its history: two to initialize and one to learn from.</summary>
    public const int MinSeasons = 3;

    /// <summary>The fitted model, its state after the last value; null when the history is too short or does not suit the model.</summary>
    public static ExponentialSmoothing? Fit(ReadOnlySpan<double> history, EtsTrend trend, EtsSeason season, int period)
    {
        var m = season == EtsSeason.None ? 1 : period;
        var n = history.Length;
        if (n < Math.Max(10, MinSeasons * m) || (season != EtsSeason.None && m < 2))
        {
            return null;
        }

        if (season == EtsSeason.Multiplicative)
        {
            foreach (var v in history)
            {
                if (!(v > 0))
                {
                    return null;
                }
            }
        }

        var initialSeason = new double[m];
        var (level, slope) = InitialStates(history, trend, season, m, initialSeason);
        var model = new ExponentialSmoothing(trend, season, period);
        var values = history.ToArray();

        var dimension = 1 + (trend != EtsTrend.None ? 1 : 0) + (season != EtsSeason.None ? 1 : 0) + (trend == EtsTrend.Damped ? 1 : 0);
        Span<double> u = stackalloc double[dimension];
        Encode(new EtsParameters(0.5, 0.05, 0.05, 0.95), trend, season, u);
        var sse = NelderMead.Minimize(
            x =>
            {
                model.Reset(Decode(x, trend, season), level, slope, initialSeason, 0);
                return SumOfSquares(model, values);
            },
            u,
            step: 1.0,
            MaxEvaluations,
            Tolerance);

        if (sse >= double.MaxValue)
        {
            return null;
        }

        var parameters = Decode(u, trend, season);
        model.Reset(parameters, level, slope, initialSeason, 0);
        sse = SumOfSquares(model, values);
        model.Reset(parameters, level, slope, initialSeason, sse / Math.Max(1, n - dimension));
        foreach (var v in values)
        {
            model.Step(v);
        }

        return model;
    }

    private static double SumOfSquares(ExponentialSmoothing model, double[] values)
    {
        var sse = 0.0;
        foreach (var v in values)
        {
            var e = model.Step(v);
            sse += e * e;
        }

        return double.IsFinite(sse) ? sse : double.PositiveInfinity;
    }

    /// <summary>Level and slope before the first value and the season of the first cycle.</summary>
    private static (double Level, double Slope) InitialStates(ReadOnlySpan<double> y, EtsTrend trend, EtsSeason season, int m, Span<double> initialSeason)
    {
        if (season == EtsSeason.None)
        {
            // A line through the first ten values.
            var k = Math.Min(10, y.Length);
            double meanT = (k - 1) / 2.0, meanY = 0, sty = 0, stt = 0;
            for (var t = 0; t < k; t++)
            {
                meanY += y[t] / k;
            }

            for (var t = 0; t < k; t++)
            {
                sty += (t - meanT) * (y[t] - meanY);
                stt += (t - meanT) * (t - meanT);
            }

            var b = trend == EtsTrend.None ? 0 : sty / stt;
            return (meanY - (b * (meanT + 1)), b);
        }

        // Cycle means of the first (up to four) seasons; the slope from the first to the last of them.
        var cycles = Math.Min(4, y.Length / m);
        Span<double> means = stackalloc double[cycles];
        for (var c = 0; c < cycles; c++)
        {
            var sum = 0.0;
            foreach (var v in y.Slice(c * m, m))
            {
                sum += v;
            }

            means[c] = sum / m;
        }

        var slope = trend == EtsTrend.None ? 0 : (means[cycles - 1] - means[0]) / ((cycles - 1) * m);
        initialSeason.Clear();
        for (var c = 0; c < cycles; c++)
        {
            for (var j = 0; j < m; j++)
            {
                // The cycle's level at phase j, the slope included, so a trend does not leak into the season.
                var local = means[c] + (slope * (j - ((m - 1) / 2.0)));
                initialSeason[j] += (season == EtsSeason.Additive ? y[(c * m) + j] - local : y[(c * m) + j] / local) / cycles;
            }
        }

        // Normalize: additive factors sum to 0, multiplicative ones average 1.
        var average = 0.0;
        foreach (var s in initialSeason)
        {
            average += s / m;
        }

        for (var j = 0; j < m; j++)
        {
            initialSeason[j] = season == EtsSeason.Additive ? initialSeason[j] - average : initialSeason[j] / average;
        }

        return (means[0] - (slope * ((m + 1) / 2.0)), slope);
    }

    private static void Encode(EtsParameters p, EtsTrend trend, EtsSeason season, Span<double> u)
    {
        var i = 0;
        u[i++] = Logit((p.Alpha - 1e-4) / (1 - 2e-4));
        if (trend != EtsTrend.None)
        {
            u[i++] = Logit(p.Beta / p.Alpha);
        }

        if (season != EtsSeason.None)
        {
            u[i++] = Logit(p.Gamma / (1 - p.Alpha));
        }

        if (trend == EtsTrend.Damped)
        {
            u[i] = Logit((p.Phi - 0.8) / 0.18);
        }
    }

    private static EtsParameters Decode(ReadOnlySpan<double> u, EtsTrend trend, EtsSeason season)
    {
        var i = 0;
        var alpha = 1e-4 + ((1 - 2e-4) * Logistic(u[i++]));
        var beta = trend != EtsTrend.None ? alpha * Logistic(u[i++]) : 0;
        var gamma = season != EtsSeason.None ? (1 - alpha) * Logistic(u[i++]) : 0;
        var phi = trend == EtsTrend.Damped ? 0.8 + (0.18 * Logistic(u[i])) : 1;
        return new EtsParameters(alpha, beta, gamma, phi);
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
