using System.Text;
using ShadowAgent.Mirror.Profiles;

namespace ShadowAgent.Mirror.Shadow;

/// <summary>
/// The shadow path's behaviour resolved from a profile and its chosen scenario: how a path maps to a route, how
/// many copies a mirrored request becomes, and the noise drawn for each copy.
/// </summary>
internal sealed class ShadowPlan
{
    private readonly byte[][] _routes;
    private readonly (byte[] Prefix, double Weight)[] _mix;

    private ShadowPlan(ShadowInstanceProfile? profile, LoadScenario? scenario)
    {
        Profile = profile;
        ScenarioName = scenario?.Name ?? "";
        Amplification = scenario?.Amplification ?? 1.0;
        Noise = profile?.Noise ?? new NoiseParameters();

        // Longest prefix first, so the first match is the longest.
        _routes = [.. (profile?.Routes ?? []).Select(Encoding.UTF8.GetBytes).OrderByDescending(r => r.Length)];
        _mix = [.. (scenario?.Mix ?? []).Select(m => (Encoding.UTF8.GetBytes(m.Key), m.Value)).OrderByDescending(m => m.Item1.Length)];
    }

    public static ShadowPlan None { get; } = new(null, null);

    public ShadowInstanceProfile? Profile { get; }

    public string ScenarioName { get; }

    public double Amplification { get; }

    public NoiseParameters Noise { get; }

    /// <exception cref="InvalidOperationException">The scenario is not in the profile.</exception>
    public static ShadowPlan From(ShadowInstanceProfile profile, string scenario)
    {
        ArgumentNullException.ThrowIfNull(profile);
        LoadScenario? chosen = null;
        if (!string.IsNullOrEmpty(scenario))
        {
            chosen = profile.Scenarios.FirstOrDefault(s => s.Name == scenario)
                ?? throw new InvalidOperationException($"scenario '{scenario}' is not in the profile (it has: {string.Join(", ", profile.Scenarios.Select(s => s.Name))}).");
        }
        else if (profile.Scenarios.Count > 0)
        {
            chosen = profile.Scenarios[0];
        }

        return new ShadowPlan(profile, chosen);
    }

    /// <summary>The route of a path: the longest configured prefix it starts with, else the path itself.</summary>
    public ReadOnlySpan<byte> RouteOf(ReadOnlySpan<byte> path)
    {
        foreach (var prefix in _routes)
        {
            if (path.StartsWith(prefix))
            {
                return prefix;
            }
        }

        return path;
    }

    /// <summary>Copies of one mirrored request: amplification × the mix weight of its route, fractions drawn.</summary>
    public int CopiesFor(ReadOnlySpan<byte> path, Random random)
    {
        var n = Amplification;
        foreach (var (prefix, weight) in _mix)
        {
            if (path.StartsWith(prefix))
            {
                n *= weight;
                break;
            }
        }

        var whole = Math.Floor(n);
        return (int)whole + (random.NextDouble() < n - whole ? 1 : 0);
    }

    /// <summary>A delay drawn from Normal(mean, sd) truncated at zero.</summary>
    public TimeSpan DrawDelay(Random random)
    {
        if (Noise.DelayMeanMs <= 0 && Noise.DelayStdDevMs <= 0)
        {
            return TimeSpan.Zero;
        }

        // Box-Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        var ms = Noise.DelayMeanMs + (Noise.DelayStdDevMs * z);
        return ms <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(ms);
    }

    public bool DrawError(Random random) => Noise.ErrorRate > 0 && random.NextDouble() < Noise.ErrorRate;
}
