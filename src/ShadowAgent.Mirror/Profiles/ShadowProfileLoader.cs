using System.Text.Json;

namespace ShadowAgent.Mirror.Profiles;

/// <summary>Reads and checks a shadow instance profile; every error names the field at fault (noise.errorRate).</summary>
public static class ShadowProfileLoader
{
    public const double MaxAmplification = 100;

    /// <summary>Largest body kept per side for a body comparison.</summary>
    public const int MaxBodyDiffBytes = 16 * 1024 * 1024;

    /// <summary>Reads <paramref name="path"/>; null with <paramref name="errors"/> filled when it is unreadable or invalid.</summary>
    public static ShadowInstanceProfile? Load(string path, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"cannot read the profile: {e.Message}");
            return null;
        }

        return Parse(json, errors);
    }

    public static ShadowInstanceProfile? Parse(string json, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ShadowInstanceProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, ShadowProfileJsonContext.Default.ShadowInstanceProfile);
        }
        catch (JsonException e)
        {
            // The path names the field ($.noise.errorRate); the message says what was wrong with it.
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "(document)" : e.Path.TrimStart('$', '.');
            errors.Add($"{field}: {FirstSentence(e.Message)}");
            return null;
        }

        if (profile is null)
        {
            errors.Add("(document): the profile is null.");
            return null;
        }

        var before = errors.Count;
        Validate(profile, errors);
        return errors.Count == before ? profile : null;
    }

    public static void Validate(ShadowInstanceProfile p, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(p.Service?.Name))
        {
            errors.Add("service.name: the shadow's service needs a name.");
        }

        var r = p.Resources ?? new ResourceAllocation();
        Share(r.Cpu, "resources.cpu", errors);
        Share(r.Memory, "resources.memory", errors);
        Share(r.Replicas, "resources.replicas", errors);

        var n = p.Noise ?? new NoiseParameters();
        if (!(n.DelayMeanMs >= 0 && n.DelayMeanMs <= 600_000))
        {
            errors.Add($"noise.delayMeanMs: {n.DelayMeanMs} is outside 0 to 600000.");
        }

        if (!(n.DelayStdDevMs >= 0 && n.DelayStdDevMs <= 600_000))
        {
            errors.Add($"noise.delayStdDevMs: {n.DelayStdDevMs} is outside 0 to 600000.");
        }

        if (!(n.ErrorRate >= 0 && n.ErrorRate <= 1))
        {
            errors.Add($"noise.errorRate: {n.ErrorRate} is outside [0, 1].");
        }

        var routes = p.Routes ?? [];
        for (var i = 0; i < routes.Count; i++)
        {
            if (string.IsNullOrEmpty(routes[i]) || routes[i][0] != '/')
            {
                errors.Add($"routes[{i}]: '{routes[i]}' does not start with '/'.");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var scenarios = p.Scenarios ?? [];
        for (var i = 0; i < scenarios.Count; i++)
        {
            var s = scenarios[i];
            var key = $"scenarios[{i}]";
            if (string.IsNullOrWhiteSpace(s.Name))
            {
                errors.Add($"{key}.name: a scenario needs a name.");
            }
            else if (!names.Add(s.Name))
            {
                errors.Add($"{key}.name: '{s.Name}' is the name of another scenario.");
            }

            if (!(s.Amplification >= 0 && s.Amplification <= MaxAmplification))
            {
                errors.Add($"{key}.amplification: {s.Amplification} is outside 0 to {MaxAmplification}.");
            }

            foreach (var (prefix, weight) in s.Mix ?? [])
            {
                if (string.IsNullOrEmpty(prefix) || prefix[0] != '/')
                {
                    errors.Add($"{key}.mix['{prefix}']: a route prefix starts with '/'.");
                }

                if (!(weight >= 0 && weight <= MaxAmplification))
                {
                    errors.Add($"{key}.mix['{prefix}']: {weight} is outside 0 to {MaxAmplification}.");
                }
            }
        }

        if (p.BodyDiff is not null)
        {
            ValidateBodyDiff(p.BodyDiff, errors);
        }
    }

    private static void ValidateBodyDiff(BodyDiffSettings d, List<string> errors)
    {
        var routes = d.Routes ?? [];
        if (routes.Count == 0)
        {
            errors.Add("bodyDiff.routes: list at least one route whose bodies are compared (or remove bodyDiff).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            if (string.IsNullOrEmpty(route) || route[0] != '/')
            {
                errors.Add($"bodyDiff.routes[{i}]: '{route}' does not start with '/'.");
            }
            else if (route.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star != route.Length - 1)
            {
                errors.Add($"bodyDiff.routes[{i}]: '{route}' has a '*' before its end (only a trailing '*' is allowed: a prefix).");
            }
            else if (!seen.Add(route.TrimEnd('*')))
            {
                errors.Add($"bodyDiff.routes[{i}]: '{route}' is listed twice.");
            }
        }

        var ignore = d.IgnoreFields ?? [];
        for (var i = 0; i < ignore.Count; i++)
        {
            if (string.IsNullOrEmpty(ignore[i]))
            {
                errors.Add($"bodyDiff.ignoreFields[{i}]: a field name cannot be empty.");
            }
        }

        if (d.MaxBodyBytes < 1 || d.MaxBodyBytes > MaxBodyDiffBytes)
        {
            errors.Add($"bodyDiff.maxBodyBytes: {d.MaxBodyBytes} is outside 1 to {MaxBodyDiffBytes}.");
        }
    }

    private static void Share(double value, string key, List<string> errors)
    {
        if (!(value > 0 && value <= 100))
        {
            errors.Add($"{key}: {value} is outside (0, 100] (a share of production's).");
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
