using ShadowAgent.Forecasting.Statistics;

namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// Fits ARIMA(p, d, q)(0, D, 0)[m] by the Hannan-Rissanen regressions (Hannan &amp; Rissanen 1982, "Recursive
/// estimation of mixed autoregressive-moving average order", Biometrika 69(1)): a long autoregression of the
/// differenced series estimates the innovations, then the series is regressed on its own lags and the lagged
/// innovation estimates, both by least squares (<see cref="LeastSquares"/>, QR). No likelihood iterations,
/// so a fit is a few small QR factorizations.
/// </summary>
/// <remarks>
/// Automatic order: D = 1 when a season is given (and the history holds three of them); d = 1 when the KPSS
/// test rejects level stationarity of the seasonally differenced series at 5% (at most once); then p ≤ 3,
/// q ≤ 2 and the constant (always with d + D = 0, chosen with d + D = 1, never beyond) by AIC over one common
/// sample, so the criteria compare. Fits whose AR part is not stationary or whose MA part is not invertible
/// (their impulse responses do not die out) are skipped.
/// </remarks>
internal static class ArimaFitter
{
    public const int MaxP = 3;
    public const int MaxQ = 2;

    private const int MinSample = 30;

    /// <summary>The AIC-best model of the grid for <paramref name="history"/>, or null when none can be fitted.</summary>
    /// <param name="period">The season (0 or 1 for none).</param>
    public static Arima? FitAuto(ReadOnlySpan<double> history, int period)
    {
        var seasonalD = period >= 2 && history.Length >= (3 * period) + MinSample ? 1 : 0;
        var w = Difference(history, seasonalD == 1 ? period : 0);
        var d = Kpss.Statistic(w) > Kpss.Critical5Percent ? 1 : 0;
        w = d == 1 ? Difference(w, 1) : w;
        if (w.Length < MinSample + MaxP + MaxQ)
        {
            return null;
        }

        var innovations = LongAutoregressionResiduals(w);
        var start = Math.Max(MaxP, LongOrder(w.Length) + MaxQ);
        Candidate? best = null;
        for (var p = 0; p <= MaxP; p++)
        {
            for (var q = 0; q <= MaxQ; q++)
            {
                foreach (var constant in ConstantChoices(d + seasonalD))
                {
                    var order = new ArimaOrder(p, d, q, seasonalD, seasonalD == 1 ? period : 0, constant);
                    var fit = Regress(w, innovations, order, start);
                    if (fit is { } f && (best is null || f.Aic < best.Value.Aic))
                    {
                        best = f;
                    }
                }
            }
        }

        return best is { } b ? Build(b, history) : null;
    }

    /// <summary>The model of exactly <paramref name="order"/>, or null when it cannot be fitted.</summary>
    public static Arima? Fit(ReadOnlySpan<double> history, ArimaOrder order)
    {
        var w = Difference(history, order.SeasonalD == 1 ? order.Period : 0);
        for (var k = 0; k < order.D; k++)
        {
            w = Difference(w, 1);
        }

        if (w.Length < MinSample + order.P + order.Q)
        {
            return null;
        }

        var innovations = order.Q > 0 ? LongAutoregressionResiduals(w) : new double[w.Length];
        var start = Math.Max(order.P, order.Q > 0 ? LongOrder(w.Length) + order.Q : 0);
        return Regress(w, innovations, order, start) is { } fit ? Build(fit, history) : null;
    }

    private static bool[] ConstantChoices(int differences) => differences switch
    {
        0 => [true],
        1 => [false, true],
        _ => [false],
    };

    /// <summary>y_t − y_{t−lag}; the series itself when lag is 0.</summary>
    private static double[] Difference(ReadOnlySpan<double> y, int lag)
    {
        if (lag == 0)
        {
            return y.ToArray();
        }

        var result = new double[Math.Max(0, y.Length - lag)];
        for (var t = lag; t < y.Length; t++)
        {
            result[t - lag] = y[t] - y[t - lag];
        }

        return result;
    }

    /// <summary>Order of the long autoregression: ⌈10·log10 n⌉, at most n / 10.</summary>
    private static int LongOrder(int n) => Math.Clamp((int)Math.Ceiling(10 * Math.Log10(n)), 1, Math.Max(1, n / 10));

    /// <summary>Residuals of a long AR fit with a constant (0 for the first values, which it cannot predict).</summary>
    private static double[] LongAutoregressionResiduals(double[] w)
    {
        var k = LongOrder(w.Length);
        var rows = w.Length - k;
        var design = new double[rows * (k + 1)];
        var target = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var t = i + k;
            target[i] = w[t];
            design[i] = 1;
            for (var lag = 1; lag <= k; lag++)
            {
                design[(lag * rows) + i] = w[t - lag];
            }
        }

        var residuals = new double[w.Length];
        var b = LeastSquares.Solve(design, rows, k + 1, target, out _);
        if (b is null)
        {
            return residuals;
        }

        for (var i = 0; i < rows; i++)
        {
            var fitted = 0.0;
            for (var j = 0; j <= k; j++)
            {
                fitted += design[(j * rows) + i] * b[j];
            }

            residuals[i + k] = target[i] - fitted;
        }

        return residuals;
    }

    private readonly record struct Candidate(ArimaOrder Order, double[] Ar, double[] Ma, double Constant, double Sigma2, double Aic);

    /// <summary>w_t on [1], w_{t−1..p}, ê_{t−1..q} over t = start..n−1.</summary>
    private static Candidate? Regress(double[] w, double[] innovations, ArimaOrder order, int start)
    {
        var rows = w.Length - start;
        var columns = (order.Constant ? 1 : 0) + order.P + order.Q;
        if (rows < MinSample)
        {
            return null;
        }

        var design = new double[rows * columns];
        var target = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var t = start + i;
            target[i] = w[t];
            var c = 0;
            if (order.Constant)
            {
                design[i] = 1;
                c = 1;
            }

            for (var lag = 1; lag <= order.P; lag++, c++)
            {
                design[(c * rows) + i] = w[t - lag];
            }

            for (var lag = 1; lag <= order.Q; lag++, c++)
            {
                design[(c * rows) + i] = innovations[t - lag];
            }
        }

        var b = LeastSquares.Solve(design, rows, columns, target, out var rss);
        if (b is null || !(rss > 0))
        {
            return null;
        }

        var offset = order.Constant ? 1 : 0;
        var ar = b.AsSpan(offset, order.P).ToArray();
        var ma = b.AsSpan(offset + order.P, order.Q).ToArray();
        if (!DiesOut(ar, invert: false) || !DiesOut(ma, invert: true))
        {
            return null;
        }

        var aic = (rows * Math.Log(rss / rows)) + (2.0 * (columns + 1));
        return new Candidate(order, ar, ma, order.Constant ? b[0] : 0, rss / (rows - columns), aic);
    }

    /// <summary>
    /// Whether the impulse response of 1/φ(B) (AR) or 1/θ(B) (MA, <paramref name="invert"/>) has died out after
    /// 400 steps: the AR part is stationary, the MA part invertible, with a margin against near-unit roots.
    /// </summary>
    private static bool DiesOut(double[] coefficients, bool invert)
    {
        if (coefficients.Length == 0)
        {
            return true;
        }

        const int Steps = 400;
        Span<double> response = stackalloc double[Steps];
        response[0] = 1;
        var sign = invert ? -1 : 1;
        for (var j = 1; j < Steps; j++)
        {
            var r = 0.0;
            for (var k = 1; k <= coefficients.Length && k <= j; k++)
            {
                r += sign * coefficients[k - 1] * response[j - k];
            }

            if (!double.IsFinite(r) || Math.Abs(r) > 1e6)
            {
                return false;
            }

            response[j] = r;
        }

        var tail = 0.0;
        for (var j = Steps - 50; j < Steps; j++)
        {
            tail = Math.Max(tail, Math.Abs(response[j]));
        }

        return tail < 0.05;
    }

    /// <summary>The model with its state run over the whole history.</summary>
    private static Arima Build(Candidate fit, ReadOnlySpan<double> history)
    {
        var model = new Arima(fit.Order, fit.Ar, fit.Ma, fit.Constant, fit.Sigma2);
        foreach (var v in history)
        {
            model.Step(v);
        }

        return model;
    }
}
