using System.Globalization;

namespace ShadowAgent.Sketches.Tests.Golden;

/// <summary>
/// The sketches Apache DataSketches wrote (tests/data/datasketches-golden, copied next to the test binaries)
/// and what its manifest says the library reported for each.
/// </summary>
internal static class GoldenSketches
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "golden");

    public static IReadOnlyList<GoldenEntry> Manifest { get; } = Load();

    public static GoldenEntry Get(string file) => Manifest.Single(e => e.File == file);

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Directory, file));

    private static List<GoldenEntry> Load()
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, "manifest.tsv"));
        var entries = new List<GoldenEntry>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            entries.Add(new GoldenEntry(cells[0], cells[1], cells[2], cells[3], long.Parse(cells[4], CultureInfo.InvariantCulture), ParseValues(cells[5])));
        }

        return entries;
    }

    // "estimate=9966.967969 lb2=9713.084548" or "top=0:10000 97281:118 …"
    private static Dictionary<string, string> ParseValues(string cell)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        foreach (var token in cell.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                key = token[..eq];
                values[key] = token[(eq + 1)..];
            }
            else if (key is not null)
            {
                values[key] += " " + token;
            }
        }

        return values;
    }
}

internal sealed record GoldenEntry(string File, string Kind, string Parameters, string Input, long N, IReadOnlyDictionary<string, string> Values)
{
    public double Number(string key) => double.Parse(Values[key], CultureInfo.InvariantCulture);
}
