using System.Globalization;
using ShadowAgent.Detection.Ensemble;

namespace ShadowAgent.Detection.Offline;

/// <summary>
/// <c>shadow-agent detect &lt;in.csv&gt; [out.csv]</c>: reads a NAB-format <c>timestamp,value</c> series and writes
/// NAB's result format <c>timestamp,value,anomaly_score</c>, streaming, each score from the rows before it.
/// Without <c>out.csv</c> (or with <c>-</c>) results go to standard output. A file result is written to a
/// temporary name and renamed when complete, so a failed run leaves no partial file.
/// </summary>
public static class DetectCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;
    public const int ExitBadInput = 2;
    public const int ExitIo = 1;

    public const string Usage = "usage: shadow-agent detect <in.csv> [out.csv|-]\n" +
        "  Scores a NAB-format 'timestamp,value' series and writes 'timestamp,value,anomaly_score' (score in [0, 1]).";

    /// <param name="args">The arguments after <c>detect</c>.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count is < 1 or > 2 || args[0] is "-h" or "--help")
        {
            stderr.WriteLine(Usage);
            return args.Count >= 1 && args[0] is "-h" or "--help" ? ExitOk : ExitUsage;
        }

        var inputPath = args[0];
        var outputPath = args.Count == 2 && args[1] != "-" ? args[1] : null;
        var temporary = outputPath is null ? null : outputPath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var input = inputPath == "-" ? TextReader.Null : new StreamReader(inputPath);
            var reader = inputPath == "-" ? Console.In : input;
            long rows;
            if (temporary is null)
            {
                rows = Write(reader, inputPath, stdout);
                stdout.Flush();
            }
            else
            {
                using (var file = new StreamWriter(temporary, append: false))
                {
                    rows = Write(reader, inputPath, file);
                }

                File.Move(temporary, outputPath!, overwrite: true);
                stderr.WriteLine($"detect: {rows} rows scored, results in {outputPath}");
            }

            return ExitOk;
        }
        catch (NabCsvException ex)
        {
            Discard(temporary);
            stderr.WriteLine($"detect: {ex.Message}");
            return ExitBadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Discard(temporary);
            stderr.WriteLine($"detect: {ex.Message}");
            return ExitIo;
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
        if (temporary is not null && File.Exists(temporary))
        {
            File.Delete(temporary);
        }
    }
}
