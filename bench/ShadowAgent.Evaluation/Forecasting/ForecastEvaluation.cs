using System.Diagnostics;
using System.Globalization;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Evaluation.Forecasting;

/// <summary>
/// <c>ShadowAgent.Evaluation forecast</c>: forecast accuracy over NAB's real series, each evaluated by
/// <see cref="ForecastRollingOrigin"/> with the forecaster's default (global) options, and the ratio of its MASE
/// to seasonal naive's averaged over series (mean and median), per family and over all.
/// </summary>
internal static class ForecastEvaluation
{
    private const string Usage = """
        usage: ShadowAgent.Evaluation forecast [--data <nab dir>] [--families a,b] [--horizon N] [--origins K]
                                               [--tail F] [--level L] [--refit-every N] [--per-series]
          --data         NAB corpus (default: ../shared/data/nab from the repo root)
          --families     comma-separated family folders (default: realAWSCloudwatch,realTweets)
          --horizon      steps forecast at each origin (default 12: one hour of 5-minute values)
          --origins      forecast origins per series, evenly over the tail (default 10)
          --tail         share of each series the origins cover, at its end (default 0.3)
          --level        prediction interval level whose coverage is reported (default 0.95)
          --refit-every  ForecastOptions.RefitEvery for every series (default: the option's default)
          --per-series   print each series' figures and the models it used
        """;

    public static int Run(string[] args)
    {
        string? data = null;
        var families = new[] { "realAWSCloudwatch", "realTweets" };
        int horizon = 12, origins = 10;
        double tail = 0.3, level = 0.95;
        var perSeries = false;
        var options = new ForecastOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var next = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--data" when next is not null:
                    data = args[++i];
                    break;
                case "--families" when next is not null:
                    families = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--horizon" when int.TryParse(next, CultureInfo.InvariantCulture, out horizon) && horizon > 0:
                case "--origins" when int.TryParse(next, CultureInfo.InvariantCulture, out origins) && origins > 0:
                case "--tail" when double.TryParse(next, CultureInfo.InvariantCulture, out tail) && tail is > 0 and < 1:
                case "--level" when double.TryParse(next, CultureInfo.InvariantCulture, out level) && level is > 0 and < 1:
                    i++;
                    break;
                case "--refit-every" when int.TryParse(next, CultureInfo.InvariantCulture, out var refit) && refit > 0:
                    options.RefitEvery = refit;
                    i++;
                    break;
                case "--per-series":
                    perSeries = true;
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return args[i] is "-h" or "--help" ? 0 : 2;
            }
        }

        data ??= Path.Combine(EvaluationProgram.RepositoryRoot(), "..", "shared", "data", "nab");
        var names = families
            .SelectMany(f => Directory.Exists(Path.Combine(data, f)) ? Directory.GetFiles(Path.Combine(data, f), "*.csv") : [])
            .Select(p => Path.GetRelativePath(data, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            Console.Error.WriteLine($"no series of {string.Join(", ", families)} under {Path.GetFullPath(data)}; pass --data <dir>");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var results = new ForecastSeriesResult[names.Count];
        Parallel.For(0, names.Count, i => results[i] = ForecastRollingOrigin.Evaluate(data, names[i], horizon, origins, tail, level, options));
        ForecastReport.Print(Console.Out, results, perSeries);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Length} series, horizon {horizon}, {origins} origins over the last {tail:P0}, refit every {options.RefitEvery}, {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
