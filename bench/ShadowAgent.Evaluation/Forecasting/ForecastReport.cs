using System.Globalization;

namespace ShadowAgent.Evaluation.Forecasting;

/// <summary>Prints the forecast evaluation: per family and over all series, the mean and median MASE ratios.</summary>
internal static class ForecastReport
{
    public static void Print(TextWriter output, IReadOnlyList<ForecastSeriesResult> results, bool perSeries)
    {
        var c = CultureInfo.InvariantCulture;
        if (perSeries)
        {
            output.WriteLine("series                                            rows  MASE  sNaive  naive  ratio  vsNaive  cover  models (periods)");
            foreach (var r in results)
            {
                var models = string.Join(", ", r.Models.Distinct());
                var periods = string.Join(",", r.Periods.Distinct());
                output.WriteLine(string.Create(c,
                    $"{r.Name,-48} {r.Rows,5} {r.Mase,6:F3} {r.SeasonalNaiveMase,6:F3} {r.NaiveMase,6:F3} {r.Ratio,6:F3} {r.NaiveRatio,7:F3} {r.Coverage,6:P0}  {models} ({periods})"));
            }

            output.WriteLine();
        }

        output.WriteLine("family               series  ratio mean  ratio median  vs naive mean  vs naive median  series <= 0.9  coverage");
        foreach (var group in results.GroupBy(r => r.Family).OrderBy(g => g.Key, StringComparer.Ordinal).Append(results.GroupBy(_ => "all").Single()))
        {
            var ratios = group.Select(r => r.Ratio).ToArray();
            var naive = group.Select(r => r.NaiveRatio).ToArray();
            output.WriteLine(string.Create(c,
                $"{group.Key,-20} {ratios.Length,6} {ratios.Average(),11:F3} {Median(ratios),13:F3} {naive.Average(),14:F3} {Median(naive),16:F3} {ratios.Count(x => x <= 0.9),14} {group.Average(r => r.Coverage),9:P1}"));
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
