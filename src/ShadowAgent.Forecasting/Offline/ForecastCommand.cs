using System.Globalization;
using System.Text;
using ShadowAgent.Detection.Offline;

namespace ShadowAgent.Forecasting.Offline;

/// <summary>
/// <c>shadow-agent forecast &lt;in.csv|-&gt; [--horizon N] [--level 0.95] [out.csv|-]</c>: reads a NAB-format
/// <c>timestamp,value</c> series, chooses and fits a model on all of it (season detection, rolling-origin
/// backtest of seasonal naive, ETS and ARIMA) and writes <c>timestamp,forecast,lower,upper</c> for the next N
/// steps, the timestamps continuing at the series' step. <c>-</c> is standard input / output (the default
/// output). The whole series is read and fitted before anything is written, so a bad line (named by its
/// number, exit code 2, like <c>detect</c>) leaves no output; a file result is written under a temporary name
/// and renamed.
/// </summary>
public static class ForecastCommand
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitBadInput = 2;

    public const int DefaultHorizon = 12;
    public const double DefaultLevel = 0.95;
    public const int MaxHorizon = 100_000;

    public const string Usage = "usage: shadow-agent forecast <in.csv|-> [--horizon N] [--level 0.95] [out.csv|-]\n" +
        "  Fits a forecasting model to a NAB-format 'timestamp,value' series (header line, yyyy-MM-dd HH:mm:ss)\n" +
        "  and writes 'timestamp,forecast,lower,upper' for the next N steps (default 12) with the central\n" +
        "  prediction interval at the level (default 0.95); timestamps continue at the series' step.";

    /// <summary>Runs with the process's standard streams (standard output buffered).</summary>
    /// <param name="args">The arguments after <c>forecast</c>.</param>
    public static int Main(IReadOnlyList<string> args)
    {
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
        var code = Run(args, Console.In, stdout, Console.Error);
        stdout.Flush();
        return code;
    }

    /// <param name="args">The arguments after <c>forecast</c>.</param>
    /// <param name="stdin">Read when the input is <c>-</c>.</param>
    /// <param name="stdout">Written when the output is <c>-</c> or absent.</param>
    /// <param name="stderr">Usage, errors and the summary of a file run.</param>
    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 1 && args[0] is "-h" or "--help")
        {
            stdout.WriteLine(Usage);
            return ExitOk;
        }

        if (!TryParse(args, out var inputPath, out var outputPath, out var horizon, out var level, out var problem))
        {
            stderr.WriteLine(problem is null ? Usage : $"forecast: {problem}\n{Usage}");
            return ExitBadInput;
        }

        if (inputPath != "-" && !File.Exists(inputPath))
        {
            // Messages of file exceptions are resource keys in the trimmed agent: say it plainly.
            stderr.WriteLine($"forecast: cannot read '{inputPath}': no such file");
            return ExitBadInput;
        }

        CsvForecastResult result;
        try
        {
            using var file = inputPath == "-" ? null : new StreamReader(inputPath);
            result = CsvForecast.Run(file ?? stdin, inputPath == "-" ? "<stdin>" : inputPath, horizon, level);
        }
        catch (NabCsvException ex)
        {
            // Nothing has been written yet: the whole series is read and fitted before any output.
            stderr.WriteLine($"forecast: {ex.Message}");
            return ExitBadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"forecast: {ex.Message}");
            return ExitFailed;
        }

        var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(result, text);
        if (outputPath is null)
        {
            stdout.Write(text.ToString());
            return ExitOk;
        }

        try
        {
            // The forecast is small and complete: one write, under a temporary name renamed when done.
            var temporary = outputPath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            File.WriteAllText(temporary, text.ToString(), new UTF8Encoding(false));
            File.Move(temporary, outputPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"forecast: {ex.Message}");
            return ExitFailed;
        }

        var season = result.Period > 0 ? $"season {result.Period} steps" : "no season";
        stderr.WriteLine($"forecast: {result.Rows} rows, step {result.Step}, {season}, model {result.Model}; {horizon} steps at {level.ToString(CultureInfo.InvariantCulture)} in {outputPath}");
        return ExitOk;
    }

    private static bool TryParse(IReadOnlyList<string> args, out string input, out string? output, out int horizon, out double level, out string? problem)
    {
        input = "";
        output = null;
        horizon = DefaultHorizon;
        level = DefaultLevel;
        problem = null;
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--horizon" or "--level")
            {
                if (i + 1 >= args.Count)
                {
                    problem = $"{arg} needs a value";
                    return false;
                }

                var text = args[++i];
                if (arg == "--horizon" && !(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out horizon) && horizon is >= 1 and <= MaxHorizon))
                {
                    problem = $"--horizon '{text}' is not a whole number from 1 to {MaxHorizon}";
                    return false;
                }

                if (arg == "--level" && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out level) && level is > 0 and < 1))
                {
                    problem = $"--level '{text}' is not a number strictly between 0 and 1";
                    return false;
                }
            }
            else if (arg.Length > 1 && arg.StartsWith('-'))
            {
                problem = $"unknown option '{arg}'";
                return false;
            }
            else
            {
                positional.Add(arg);
            }
        }

        if (positional.Count is < 1 or > 2)
        {
            return false;
        }

        input = positional[0];
        output = positional.Count == 2 && positional[1] != "-" ? positional[1] : null;
        return true;
    }

    private static void Write(CsvForecastResult result, TextWriter output)
    {
        output.Write("timestamp,forecast,lower,upper\n");
        for (var i = 0; i < result.Points.Length; i++)
        {
            var p = result.Points[i];
            output.Write(result.Timestamps[i].ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
            output.Write(',');
            output.Write(p.Value.ToString("R", CultureInfo.InvariantCulture));
            output.Write(',');
            output.Write(p.Lower.ToString("R", CultureInfo.InvariantCulture));
            output.Write(',');
            output.Write(p.Upper.ToString("R", CultureInfo.InvariantCulture));
            output.Write('\n');
        }
    }
}
