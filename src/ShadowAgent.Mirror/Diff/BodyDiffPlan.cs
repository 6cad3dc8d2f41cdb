using System.Text;
using ShadowAgent.Mirror.Profiles;

namespace ShadowAgent.Mirror.Diff;

/// <summary>
/// The profile's body comparison resolved for the hot path: the chosen routes as UTF-8 prefixes (matched like the
/// profile's routes and mix: the path starts with it), the ignored JSON field names, and the cap per body.
/// </summary>
internal sealed class BodyDiffPlan
{
    private readonly byte[][] _prefixes;

    private BodyDiffPlan(BodyDiffSettings settings)
    {
        _prefixes = [.. settings.Routes.Select(r => Encoding.UTF8.GetBytes(r.TrimEnd('*')))];
        Ignore = new HashSet<string>(settings.IgnoreFields ?? [], StringComparer.Ordinal);
        MaxBodyBytes = settings.MaxBodyBytes;
    }

    public IReadOnlySet<string> Ignore { get; }

    public int MaxBodyBytes { get; }

    /// <summary>The plan for a profile's settings, or null when the profile compares no bodies.</summary>
    public static BodyDiffPlan? From(BodyDiffSettings? settings) =>
        settings is null || settings.Routes.Count == 0 ? null : new BodyDiffPlan(settings);

    /// <summary>Whether a request with this path (no query) has its bodies compared.</summary>
    public bool Chosen(ReadOnlySpan<byte> path)
    {
        foreach (var prefix in _prefixes)
        {
            if (path.StartsWith(prefix))
            {
                return true;
            }
        }

        return false;
    }
}
