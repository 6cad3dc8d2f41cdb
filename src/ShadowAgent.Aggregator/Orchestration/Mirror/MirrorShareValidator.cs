using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>Checks a target's shadow keys (ShadowStream, ShadowLatencyRatio, ShadowErrorRate, MirrorShare:*); errors name the key.</summary>
internal static class MirrorShareValidator
{
    /// <summary>The target keys this component adds (the orchestrator's validator accepts them).</summary>
    public static readonly string[] TargetKeys =
    [
        nameof(TargetOptions.ShadowStream), nameof(TargetOptions.ShadowLatencyRatio), nameof(TargetOptions.ShadowErrorRate),
        nameof(TargetOptions.MirrorShare),
    ];

    private static readonly HashSet<string> ShareKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(MirrorShareOptions.Enabled), nameof(MirrorShareOptions.InitialShare), nameof(MirrorShareOptions.MinShare),
        nameof(MirrorShareOptions.MaxShare), nameof(MirrorShareOptions.RaiseFactor), nameof(MirrorShareOptions.LowerFactor),
        nameof(MirrorShareOptions.Cooldown), nameof(MirrorShareOptions.UsefulFor), nameof(MirrorShareOptions.ForecastCapacityShare),
        nameof(MirrorShareOptions.CostErrorRate), nameof(MirrorShareOptions.CostDropShare), nameof(MirrorShareOptions.CostCpuUtilization),
    };

    /// <param name="key">The target's key, e.g. Aggregator:Orchestrator:Targets:web.</param>
    /// <param name="raw">The target's raw section, for unknown MirrorShare keys; null skips that check.</param>
    public static void Validate(List<string> errors, string key, TargetOptions t, IConfigurationSection? raw)
    {
        if (raw is not null)
        {
            foreach (var child in raw.GetSection(nameof(TargetOptions.MirrorShare)).GetChildren())
            {
                if (!ShareKeys.Contains(child.Key))
                {
                    errors.Add($"{key}:MirrorShare:{child.Key}: unknown key");
                }
            }
        }

        Range(errors, $"{key}:ShadowLatencyRatio", t.ShadowLatencyRatio, 0, 1000);
        Range(errors, $"{key}:ShadowErrorRate", t.ShadowErrorRate, 0, 1);
        var m = t.MirrorShare;
        var s = $"{key}:MirrorShare";
        Range(errors, $"{s}:MinShare", m.MinShare, 0, 1);
        if (!(m.MaxShare >= m.MinShare && m.MaxShare <= 1))
        {
            errors.Add($"{s}:MaxShare: '{F(m.MaxShare)}' must be at least MinShare '{F(m.MinShare)}' and at most 1");
        }

        Range(errors, $"{s}:InitialShare", m.InitialShare, 0, 1);
        Range(errors, $"{s}:RaiseFactor", m.RaiseFactor, 1.01, 100);
        Range(errors, $"{s}:LowerFactor", m.LowerFactor, 0, 0.99);
        Range(errors, $"{s}:ForecastCapacityShare", m.ForecastCapacityShare, 0, 10);
        Range(errors, $"{s}:CostErrorRate", m.CostErrorRate, 0, 1);
        Range(errors, $"{s}:CostDropShare", m.CostDropShare, 0, 1);
        Range(errors, $"{s}:CostCpuUtilization", m.CostCpuUtilization, 0, 1);
        if (m.Cooldown < TimeSpan.Zero || m.Cooldown > TimeSpan.FromDays(1))
        {
            errors.Add($"{s}:Cooldown: '{m.Cooldown}' must be between 0 and a day");
        }

        if (m.UsefulFor < TimeSpan.Zero || m.UsefulFor > TimeSpan.FromDays(1))
        {
            errors.Add($"{s}:UsefulFor: '{m.UsefulFor}' must be between 0 and a day");
        }
    }

    private static void Range(List<string> errors, string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add($"{key}: '{F(value)}' must be between {F(min)} and {F(max)}");
        }
    }

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
