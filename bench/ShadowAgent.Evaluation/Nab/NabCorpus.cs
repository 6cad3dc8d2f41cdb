using System.Globalization;
using System.Text.Json;

namespace ShadowAgent.Evaluation.Nab;

/// <summary>A NAB corpus folder: <c>family/series.csv</c> files and <c>combined_windows.json</c>.</summary>
internal sealed class NabCorpus
{
    private static readonly string[] WindowFormats = ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss"];

    private NabCorpus(string root, IReadOnlyDictionary<string, List<(DateTime, DateTime)>> windows)
    {
        Root = root;
        Windows = windows;
    }

    public string Root { get; }

    /// <summary>Labelled windows by relative path (<c>family/file.csv</c>, '/'-separated).</summary>
    public IReadOnlyDictionary<string, List<(DateTime Start, DateTime End)>> Windows { get; }

    /// <summary>The series that have labels and exist on disk, in a stable order.</summary>
    public IEnumerable<string> SeriesPaths => Windows.Keys.Where(k => File.Exists(Path.Combine(Root, k))).Order(StringComparer.Ordinal);

    public static NabCorpus Load(string root)
    {
        var path = Path.Combine(root, "combined_windows.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var windows = new Dictionary<string, List<(DateTime, DateTime)>>(StringComparer.Ordinal);
        foreach (var series in document.RootElement.EnumerateObject())
        {
            var list = new List<(DateTime, DateTime)>();
            foreach (var window in series.Value.EnumerateArray())
            {
                list.Add((ParseTime(window[0].GetString()!), ParseTime(window[1].GetString()!)));
            }

            windows[series.Name] = list;
        }

        return new NabCorpus(root, windows);
    }

    private static DateTime ParseTime(string text) =>
        DateTime.ParseExact(text, WindowFormats, CultureInfo.InvariantCulture, DateTimeStyles.None);
}
