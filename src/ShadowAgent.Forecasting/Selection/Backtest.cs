using ShadowAgent.Forecasting.Models;

namespace ShadowAgent.Forecasting.Selection;

/// <summary>
/// Rolling-origin evaluation of one candidate on the recent history (Tashman 2000, "Out-of-sample tests of
/// forecasting accuracy", IJF 16): the candidate is fitted once on the values before the first origin, then
/// its state moves forward value by value with the parameters held, and at each origin it forecasts the
/// next <c>horizon</c> values, which are compared with what came. Fixed parameters make the whole backtest one
/// fit and one pass, which is what lets the forecaster rerun it on every refit.
/// </summary>
internal static class Backtest
{
    /// <summary>Where the origins of a backtest stand in a history of <paramref name="length"/> values.</summary>
    /// <param name="span">Distance from the first origin to the last; the last leaves one horizon of values.</param>
    public static int[] Origins(int length, int horizon, int origins, int span)
    {
        var last = length - horizon;
        span = Math.Min(span, Math.Max(0, last - 1));
        var count = span == 0 ? 1 : Math.Min(origins, span + 1);
        var result = new int[count];
        for (var k = 0; k < count; k++)
        {
            result[k] = count == 1 ? last : last - span + (int)Math.Round((double)k * span / (count - 1));
        }

        return result;
    }

    /// <summary>
    /// Mean absolute error of <paramref name="spec"/>'s forecasts over the origins, divided by
    /// <paramref name="scale"/> (the MASE when scale is the in-sample seasonal naive error); +∞ when the
    /// candidate cannot be fitted on the history before the first origin.
    /// </summary>
    public static double Score(ModelSpec spec, ReadOnlySpan<double> history, ReadOnlySpan<int> origins, int horizon, double scale)
    {
        var model = spec.Fit(history[..origins[0]]);
        return model is null ? double.PositiveInfinity : Score(model, history, origins, horizon, scale);
    }

    /// <summary>The same for a model already fitted on the values before the first origin.</summary>
    public static double Score(ForecastModel model, ReadOnlySpan<double> history, ReadOnlySpan<int> origins, int horizon, double scale)
    {
        var point = new double[horizon];
        var variance = new double[horizon];
        var t = origins[0];
        var total = 0.0;
        foreach (var origin in origins)
        {
            while (t < origin)
            {
                model.Update(history[t++]);
            }

            model.Forecast(point, variance);
            var error = 0.0;
            for (var i = 0; i < horizon; i++)
            {
                error += Math.Abs(history[origin + i] - point[i]);
            }

            total += error / horizon;
        }

        var score = total / origins.Length / scale;
        return double.IsFinite(score) ? score : double.PositiveInfinity;
    }

    /// <summary>
    /// In-sample mean absolute one-season difference of <paramref name="values"/> (one-step difference
    /// without a period): the denominator of the MASE (Hyndman &amp; Koehler 2006, "Another look at measures of
    /// forecast accuracy", IJF 22). A constant history scales by 1 rather than by 0.
    /// </summary>
    public static double Scale(ReadOnlySpan<double> values, int period)
    {
        var m = Math.Max(1, period);
        if (values.Length <= m)
        {
            return 1;
        }

        var sum = 0.0;
        for (var t = m; t < values.Length; t++)
        {
            sum += Math.Abs(values[t] - values[t - m]);
        }

        var scale = sum / (values.Length - m);
        return scale > 0 ? scale : 1;
    }
}
