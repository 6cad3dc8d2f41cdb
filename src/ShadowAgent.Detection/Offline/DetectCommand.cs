using System.Globalization;
using System.Text;
using ShadowAgent.Detection.Ensemble;

namespace ShadowAgent.Detection.Offline;

/// <summary>
/// <c>shadow-agent detect &lt;in.csv|-&gt; [out.csv|-]</c>: reads a NAB-format <c>timestamp,value</c> series and
/// writes NAB's result format <c>timestamp,value,anomaly_score</c>, streaming, each score from the rows before it,
/// with the default <see cref="DetectionOptions"/> — the same detector set the agent runs on profile features.
/// <c>-</c> is standard input / output (the default output). A file result is written under a temporary name
/// and renamed when complete, so a failed run leaves no partial file; a bad line stops the run with its line
/// number and exit code 2.
/// </summary>
public static class DetectCommand
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitBadInput = 2;

    public const string Usage = "usage: shadow-agent detect <in.csv|-> [out.csv|-]\n" +
        "  Scores a NAB-format 'timestamp,value' series (header line, yyyy-MM-dd HH:mm:ss) and writes\n" +
        "  'timestamp,value,anomaly_score' with one score in [0, 1] per row, each from the rows before it.";

    /// <summary>Runs with the process's standard streams (standard output buffered).</summary>
    /// <param name="args">The arguments after <c>detect</c>.</param>
    public static int Main(IReadOnlyList<string> args)
    {
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
        var code = Run(args, Console.In, stdout, Console.Error);
        stdout.Flush();
        return code;
    }

    /// <param name="args">The arguments after <c>detect</c>.</param>
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

        if (args.Count is < 1 or > 2 || args.Any(a => a.Length > 1 && a.StartsWith('-')))
        {
            stderr.WriteLine(Usage);
            return ExitBadInput;
        }

        var inputPath = args[0];
        if (inputPath != "-" && !File.Exists(inputPath))
        {
            // Messages of file exceptions are resource keys in the trimmed agent: say it plainly.
            stderr.WriteLine($"detect: cannot read '{inputPath}': no such file");
            return ExitBadInput;
        }

        var outputPath = args.Count == 2 && args[1] != "-" ? args[1] : null;
        var temporary = outputPath is null ? null : outputPath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var file = inputPath == "-" ? null : new StreamReader(inputPath);
            var input = file ?? stdin;
            var source = inputPath == "-" ? "<stdin>" : inputPath;
            if (temporary is null)
            {
                Write(input, source, stdout);
                return ExitOk;
            }

            long rows;
            using (var output = new StreamWriter(temporary, append: false, new UTF8Encoding(false), 1 << 16))
            {
                rows = Write(input, source, output);
            }

            File.Move(temporary, outputPath!, overwrite: true);
            stderr.WriteLine($"detect: {rows} rows scored, results in {outputPath}");
            return ExitOk;
        }
        catch (NabCsvException ex)
        {
            stdout.Flush();
            Discard(temporary);
            stderr.WriteLine($"detect: {ex.Message}");
            return ExitBadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Discard(temporary);
            stderr.WriteLine($"detect: {ex.Message}");
            return ExitFailed;
        }
    }

    private static long Write(TextReader input, string source, TextWriter output)
    {
        output.Write("timestamp,value,anomaly_score\n");
        return CsvDetection.Run(input, source, new DetectionOptions(), (row, score) =>
        {
            output.Write(row.TimestampText);
            output.Write(',');
            output.Write(row.ValueText);
            output.Write(',');
            output.Write(score.Score.ToString("R", CultureInfo.InvariantCulture));
            output.Write('\n');
        });
    }

    private static void Discard(string? temporary)
    {
        try
        {
            if (temporary is not null && File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
        catch (IOException)
        {
            // The error that got us here is the one to report.
        }
    }
}
