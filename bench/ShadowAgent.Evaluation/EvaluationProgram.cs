using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Offline;
using ShadowAgent.Evaluation.Nab;

namespace ShadowAgent.Evaluation;

/// <summary>
/// Runs the detector over every labelled series of a NAB corpus exactly as <c>shadow-agent detect</c> does,
/// optimizes one threshold per profile over the whole corpus and prints NAB's normalized scores.
/// </summary>
internal static class EvaluationProgram
{
    private const string Usage = """
        usage: ShadowAgent.Evaluation [--data <nab dir>] [--set Option=value ...] [--oracle none|null|window-start]
                                      [--per-series] [--leave-one-out [--grid Option=a|b ...]] [--diagnose] [--results <dir>]
          --data        NAB corpus: family/*.csv and combined_windows.json (default: ../shared/data/nab from the repo root)
          --set         override a DetectionOptions setting (global, for every series), e.g. --set QuietPeriod=200
          --oracle      score a reference detector instead: null (never fires) or window-start (fires on each window's first row)
          --per-series  print each series' raw standard score and counts
          --leave-one-out  per family: the thresholds fitted on the other families, applied to it
          --grid        with --leave-one-out, also choose this setting on the other families, e.g.
                        --grid RecordWeight=1|2|3 (repeatable: every combination is scored)
          --diagnose    print, per series, the best score inside each window and the top scores outside
          --results     write each series' timestamp,value,anomaly_score files under this folder
        """;

    public static int Run(string[] args)
    {
        string? data = null, results = null;
        var oracle = "none";
        var perSeries = false;
        var diagnose = false;
        var leaveOneOut = false;
        var grid = new List<(string Name, string[] Values)>();
        var options = new DetectionOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length:
                    data = args[++i];
                    break;
                case "--results" when i + 1 < args.Length:
                    results = args[++i];
                    break;
                case "--oracle" when i + 1 < args.Length:
                    oracle = args[++i];
                    break;
                case "--per-series":
                    perSeries = true;
                    break;
                case "--leave-one-out":
                    leaveOneOut = true;
                    break;
                case "--grid" when i + 1 < args.Length:
                    var axis = args[++i].Split('=', 2);
                    if (axis.Length != 2 || axis[1].Length == 0)
                    {
                        Console.Error.WriteLine($"--grid {args[i]}: expected Option=value1|value2|...");
                        return 2;
                    }

                    grid.Add((axis[0], axis[1].Split('|')));
                    break;
                case "--diagnose":
                    diagnose = true;
                    break;
                case "--set" when i + 1 < args.Length:
                    if (!TrySet(options, args[++i], out var error))
                    {
                        Console.Error.WriteLine(error);
                        return 2;
                    }

                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return args[i] is "-h" or "--help" ? 0 : 2;
            }
        }

        data ??= Path.Combine(RepositoryRoot(), "..", "shared", "data", "nab");
        if (!File.Exists(Path.Combine(data, "combined_windows.json")))
        {
            Console.Error.WriteLine($"no NAB corpus at {Path.GetFullPath(data)} (combined_windows.json missing); pass --data <dir>");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var corpus = NabCorpus.Load(data);
        var series = Evaluate(corpus, options, oracle);
        var elapsed = clock.Elapsed;
        if (results is not null)
        {
            WriteResults(corpus, series, results);
        }

        var report = NabReport.Build(series);
        report.Print(Console.Out, perSeries);
        NabFamilies.PrintPerFamily(Console.Out, report);
        if (leaveOneOut)
        {
            var candidates = new List<(string Choice, IReadOnlyList<NabSeries> Corpus)>();
            foreach (var combination in Combinations(grid))
            {
                var candidate = Clone(options);
                foreach (var assignment in combination)
                {
                    if (!TrySet(candidate, assignment, out var error))
                    {
                        Console.Error.WriteLine(error);
                        return 2;
                    }
                }

                candidates.Add((string.Join(" ", combination), Evaluate(corpus, candidate, oracle)));
            }

            NabFamilies.PrintLeaveOneOut(Console.Out, series, grid.Count == 0 ? null : training => NabFamilies.Choose(candidates, training));
        }

        if (diagnose)
        {
            NabDiagnostics.Print(Console.Out, series, report.Profiles[0].Threshold);
        }

        var points = series.Sum(s => s.Scores.Length);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{series.Count} series, {points} rows, detector '{(oracle == "none" ? "ensemble" : oracle)}', {elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    internal static List<NabSeries> Evaluate(NabCorpus corpus, DetectionOptions options, string oracle)
    {
        var paths = corpus.SeriesPaths.ToList();
        var series = new NabSeries[paths.Count];
        Parallel.For(0, paths.Count, i =>
        {
            var path = paths[i];
            var timestamps = new List<DateTime>();
            var scores = new List<double>();
            using (var reader = new StreamReader(Path.Combine(corpus.Root, path)))
            {
                CsvDetection.Run(reader, path, options, (row, score) =>
                {
                    timestamps.Add(row.Timestamp);
                    scores.Add(score.Score);
                });
            }

            var stamps = timestamps.ToArray();
            var windows = NabSeries.MapWindows(stamps, corpus.Windows[path]);
            var values = scores.ToArray();
            if (oracle != "none")
            {
                Array.Clear(values);
                if (oracle == "window-start")
                {
                    foreach (var (start, _) in windows)
                    {
                        values[start] = 1;
                    }
                }
                else if (oracle != "null")
                {
                    throw new ArgumentException($"unknown oracle '{oracle}'");
                }
            }

            series[i] = new NabSeries(path, stamps, values, windows);
        });
        return [.. series];
    }

    private static void WriteResults(NabCorpus corpus, IReadOnlyList<NabSeries> series, string folder)
    {
        foreach (var s in series)
        {
            var target = Path.Combine(folder, s.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var writer = new StreamWriter(target);
            writer.Write("timestamp,anomaly_score\n");
            for (var i = 0; i < s.Scores.Length; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{s.Timestamps[i]:yyyy-MM-dd HH:mm:ss},{s.Scores[i]:R}\n"));
            }
        }

        _ = corpus;
    }

    private static IEnumerable<List<string>> Combinations(List<(string Name, string[] Values)> grid)
    {
        IEnumerable<List<string>> result = [[]];
        foreach (var (name, values) in grid)
        {
            result = result.SelectMany(prefix => values.Select(v => new List<string>(prefix) { $"{name}={v}" })).ToList();
        }

        return result;
    }

    private static DetectionOptions Clone(DetectionOptions options)
    {
        var copy = new DetectionOptions();
        foreach (var property in typeof(DetectionOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            property.SetValue(copy, property.GetValue(options));
        }

        return copy;
    }

    private static bool TrySet(DetectionOptions options, string assignment, out string error)
    {
        error = "";
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        var property = eq > 0 ? typeof(DetectionOptions).GetProperty(assignment[..eq], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) : null;
        if (property is null)
        {
            error = $"--set {assignment}: expected Option=value with an option of DetectionOptions";
            return false;
        }

        var text = assignment[(eq + 1)..];
        try
        {
            object value = property.PropertyType.IsEnum
                ? Enum.Parse(property.PropertyType, text, ignoreCase: true)
                : Convert.ChangeType(text, property.PropertyType, CultureInfo.InvariantCulture);
            property.SetValue(options, value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidCastException or OverflowException)
        {
            error = $"--set {assignment}: {ex.Message}";
            return false;
        }
    }

    /// <summary>The folder holding ShadowAgent.sln, found upwards from the binaries (else the working directory).</summary>
    internal static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ShadowAgent.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
