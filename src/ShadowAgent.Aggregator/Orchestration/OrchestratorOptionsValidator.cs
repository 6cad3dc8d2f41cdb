using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>Checks the orchestrator's options at start; every error names the configuration key it is about.</summary>
internal static class OrchestratorOptionsValidator
{
    public static readonly string[] Criticalities = ["critical", "normal", "low"];

    private static readonly HashSet<string> OrchestratorKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(OrchestratorOptions.Enabled), nameof(OrchestratorOptions.Targets), nameof(OrchestratorOptions.SettleTime),
        nameof(OrchestratorOptions.Horizon), nameof(OrchestratorOptions.LearningRate),
        nameof(OrchestratorOptions.MinHeadroom), nameof(OrchestratorOptions.MaxHeadroom),
        nameof(OrchestratorOptions.MinHighFactor), nameof(OrchestratorOptions.MaxHighFactor),
        nameof(OrchestratorOptions.MinUtilizationHigh), nameof(OrchestratorOptions.MaxUtilizationHigh),
        nameof(OrchestratorOptions.MinUtilizationLow), nameof(OrchestratorOptions.MaxUtilizationLow),
    };

    private static readonly HashSet<string> TargetKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(TargetOptions.Host), nameof(TargetOptions.Target), nameof(TargetOptions.ResourceStream),
        nameof(TargetOptions.WorkloadStreams), nameof(TargetOptions.Criticality), nameof(TargetOptions.MinCpuCores),
        nameof(TargetOptions.MaxCpuCores), nameof(TargetOptions.InitialCpuCores), nameof(TargetOptions.MinMemoryBytes),
        nameof(TargetOptions.MaxMemoryBytes), nameof(TargetOptions.RecordsPerCoreSecond), nameof(TargetOptions.UtilizationHigh),
        nameof(TargetOptions.UtilizationLow), nameof(TargetOptions.ThrottlingThreshold), nameof(TargetOptions.PressureThreshold),
        nameof(TargetOptions.MemoryHigh), nameof(TargetOptions.CapacityThreshold), nameof(TargetOptions.DownscaleThreshold),
        nameof(TargetOptions.HighVolumeThreshold), nameof(TargetOptions.LowVolumeThreshold), nameof(TargetOptions.AnomalyThreshold),
        nameof(TargetOptions.ShadowDropThreshold), nameof(TargetOptions.HighFactor), nameof(TargetOptions.Headroom),
        nameof(TargetOptions.DownscaleStep), nameof(TargetOptions.CooldownUp), nameof(TargetOptions.CooldownDown),
        nameof(TargetOptions.Hysteresis), nameof(TargetOptions.MaxActionsPerHour), nameof(TargetOptions.DryRun),
        nameof(TargetOptions.SloField), nameof(TargetOptions.SloStream), nameof(TargetOptions.SloThreshold), nameof(TargetOptions.VolumeAnomalyThreshold),
        nameof(TargetOptions.Triggers), nameof(TargetOptions.DownscaleStabilization),
    };

    private static readonly HashSet<string> TriggerKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(TriggerOptions.Reactive), nameof(TriggerOptions.Anomaly), nameof(TriggerOptions.Forecast), nameof(TriggerOptions.Workload),
    };

    /// <summary>Validates the bound options and, when given, the raw section for keys nothing binds (typos).</summary>
    public static List<string> Validate(OrchestratorOptions options, IConfigurationSection? raw = null)
    {
        var errors = new List<string>();
        var s = OrchestratorOptions.Section;
        if (raw is not null)
        {
            foreach (var child in raw.GetChildren())
            {
                if (!OrchestratorKeys.Contains(child.Key))
                {
                    errors.Add($"{s}:{child.Key}: unknown key");
                }
            }

            foreach (var target in raw.GetSection(nameof(OrchestratorOptions.Targets)).GetChildren())
            {
                foreach (var child in target.GetChildren())
                {
                    if (!TargetKeys.Contains(child.Key) && !Mirror.MirrorShareValidator.TargetKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                    {
                        errors.Add($"{s}:Targets:{target.Key}:{child.Key}: unknown key");
                    }
                    else if (string.Equals(child.Key, nameof(TargetOptions.Triggers), StringComparison.OrdinalIgnoreCase))
                    {
                        foreach (var family in child.GetChildren())
                        {
                            if (!TriggerKeys.Contains(family.Key))
                            {
                                errors.Add($"{s}:Targets:{target.Key}:{child.Key}:{family.Key}: unknown key (Reactive, Anomaly, Forecast, Workload)");
                            }
                        }
                    }
                }
            }
        }

        if (options.SettleTime <= TimeSpan.Zero || options.SettleTime > TimeSpan.FromDays(1))
        {
            errors.Add($"{s}:SettleTime: '{options.SettleTime}' must be positive and at most a day");
        }

        Range(errors, $"{s}:Horizon", options.Horizon, 1, 1000);
        Range(errors, $"{s}:LearningRate", options.LearningRate, 0, 1);
        Bounds(errors, s, "Headroom", options.MinHeadroom, options.MaxHeadroom, 0, 10);
        Bounds(errors, s, "HighFactor", options.MinHighFactor, options.MaxHighFactor, 1, 100);
        Bounds(errors, s, "UtilizationHigh", options.MinUtilizationHigh, options.MaxUtilizationHigh, 0, 1);
        Bounds(errors, s, "UtilizationLow", options.MinUtilizationLow, options.MaxUtilizationLow, 0, 1);

        var placements = new Dictionary<(string, string), string>();
        foreach (var (name, t) in options.Targets)
        {
            var k = $"{s}:Targets:{name}";
            if (!IsName(name))
            {
                errors.Add($"{k}: the target name must be letters, digits, '.', '_' or '-'");
            }

            if (string.IsNullOrWhiteSpace(t.Host))
            {
                errors.Add($"{k}:Host: required (the agent's host_id)");
            }

            if (TargetError(t.Target) is { } targetError)
            {
                errors.Add($"{k}:Target: '{t.Target}' {targetError}");
            }
            else if (placements.TryGetValue((t.Host, t.Target), out var other))
            {
                errors.Add($"{k}:Target: '{t.Target}' on host '{t.Host}' is already target '{other}'");
            }
            else
            {
                placements[(t.Host, t.Target)] = name;
            }

            if (string.IsNullOrWhiteSpace(t.ResourceStream))
            {
                errors.Add($"{k}:ResourceStream: required (the agent's probe stream of the target)");
            }

            for (var i = 0; i < t.WorkloadStreams.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(t.WorkloadStreams[i]))
                {
                    errors.Add($"{k}:WorkloadStreams:{i}: empty stream name");
                }
            }

            if (!Criticalities.Contains(t.Criticality))
            {
                errors.Add($"{k}:Criticality: '{t.Criticality}' is not one of critical, normal, low");
            }

            if (!(t.MinCpuCores > 0) || !(t.MaxCpuCores >= t.MinCpuCores) || t.MaxCpuCores > 4096)
            {
                errors.Add($"{k}:MaxCpuCores: '{F(t.MaxCpuCores)}' must be at least MinCpuCores '{F(t.MinCpuCores)}' (> 0) and at most 4096");
            }
            else if (!(t.InitialCpuCores >= t.MinCpuCores && t.InitialCpuCores <= t.MaxCpuCores))
            {
                errors.Add($"{k}:InitialCpuCores: '{F(t.InitialCpuCores)}' must be between MinCpuCores and MaxCpuCores");
            }

            if (t.MinMemoryBytes < 0 || t.MaxMemoryBytes < t.MinMemoryBytes || (t.MaxMemoryBytes > 0 && t.MinMemoryBytes == 0))
            {
                errors.Add($"{k}:MaxMemoryBytes: '{t.MaxMemoryBytes}' must be 0 (memory not managed) or at least MinMemoryBytes '{t.MinMemoryBytes}' (> 0)");
            }

            Range(errors, $"{k}:RecordsPerCoreSecond", t.RecordsPerCoreSecond, 1e-9, 1e12);
            Range(errors, $"{k}:UtilizationHigh", t.UtilizationHigh, options.MinUtilizationHigh, options.MaxUtilizationHigh);
            Range(errors, $"{k}:UtilizationLow", t.UtilizationLow, options.MinUtilizationLow, options.MaxUtilizationLow);
            if (t.UtilizationLow >= t.UtilizationHigh)
            {
                errors.Add($"{k}:UtilizationLow: '{F(t.UtilizationLow)}' must be below UtilizationHigh '{F(t.UtilizationHigh)}'");
            }

            Range(errors, $"{k}:ThrottlingThreshold", t.ThrottlingThreshold, 0, 1);
            Range(errors, $"{k}:PressureThreshold", t.PressureThreshold, 0, 100);
            Range(errors, $"{k}:MemoryHigh", t.MemoryHigh, 0, 1);
            Range(errors, $"{k}:CapacityThreshold", t.CapacityThreshold, 0.01, 10);
            Range(errors, $"{k}:DownscaleThreshold", t.DownscaleThreshold, 0, 10);
            if (t.DownscaleThreshold >= t.CapacityThreshold)
            {
                errors.Add($"{k}:DownscaleThreshold: '{F(t.DownscaleThreshold)}' must be below CapacityThreshold '{F(t.CapacityThreshold)}'");
            }

            Range(errors, $"{k}:HighVolumeThreshold", t.HighVolumeThreshold, 0, double.MaxValue);
            Range(errors, $"{k}:LowVolumeThreshold", t.LowVolumeThreshold, 0, double.MaxValue);
            if (t.HighVolumeThreshold > 0 && t.LowVolumeThreshold >= t.HighVolumeThreshold)
            {
                errors.Add($"{k}:LowVolumeThreshold: '{F(t.LowVolumeThreshold)}' must be below HighVolumeThreshold '{F(t.HighVolumeThreshold)}'");
            }

            Range(errors, $"{k}:AnomalyThreshold", t.AnomalyThreshold, 0, 1);
            Range(errors, $"{k}:VolumeAnomalyThreshold", t.VolumeAnomalyThreshold, 0, 1);
            if (!(t.Triggers.Reactive || t.Triggers.Predictive))
            {
                errors.Add($"{k}:Triggers: every family (Reactive, Anomaly, Forecast, Workload) is off: nothing could scale the target");
            }

            if (t.DownscaleStabilization < TimeSpan.Zero || t.DownscaleStabilization > TimeSpan.FromDays(1))
            {
                errors.Add($"{k}:DownscaleStabilization: '{t.DownscaleStabilization}' must be between 0 and a day");
            }

            Range(errors, $"{k}:ShadowDropThreshold", t.ShadowDropThreshold, 0, 1);
            Range(errors, $"{k}:HighFactor", t.HighFactor, options.MinHighFactor, options.MaxHighFactor);
            Range(errors, $"{k}:Headroom", t.Headroom, options.MinHeadroom, options.MaxHeadroom);
            Range(errors, $"{k}:DownscaleStep", t.DownscaleStep, 0.01, 0.9);
            if (t.CooldownUp < TimeSpan.Zero || t.CooldownUp > TimeSpan.FromDays(1))
            {
                errors.Add($"{k}:CooldownUp: '{t.CooldownUp}' must be between 0 and a day");
            }

            if (t.CooldownDown < TimeSpan.Zero || t.CooldownDown > TimeSpan.FromDays(1))
            {
                errors.Add($"{k}:CooldownDown: '{t.CooldownDown}' must be between 0 and a day");
            }

            Range(errors, $"{k}:Hysteresis", t.Hysteresis, 1, 1000);
            Range(errors, $"{k}:MaxActionsPerHour", t.MaxActionsPerHour, 1, 3600);
            if (t.SloField.Length > 0 && !(t.SloThreshold > 0))
            {
                errors.Add($"{k}:SloThreshold: '{F(t.SloThreshold)}' must be positive when SloField is set");
            }

            if (t.SloStream.Length > 0)
            {
                if (t.SloField.Length == 0)
                {
                    errors.Add($"{k}:SloStream: '{t.SloStream}' needs SloField (the numeric field of that stream held to SloThreshold)");
                }

                if (t.WorkloadStreams.Contains(t.SloStream, StringComparer.Ordinal) || string.Equals(t.SloStream, t.ResourceStream, StringComparison.Ordinal))
                {
                    errors.Add($"{k}:SloStream: '{t.SloStream}' is already the target's workload or resource stream; leave SloStream empty to read SloField from the workload streams");
                }
            }

            Mirror.MirrorShareValidator.Validate(errors, k, t, raw?.GetSection(nameof(OrchestratorOptions.Targets)).GetSection(name));
        }

        return errors;
    }

    /// <summary>Why a ResizeCommand target is unusable, or null: cgroup:&lt;relative path&gt; or vm:&lt;domain&gt;.</summary>
    public static string? TargetError(string target)
    {
        if (target.StartsWith("cgroup:", StringComparison.Ordinal))
        {
            var path = target["cgroup:".Length..];
            if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(p => p is "" or "." or ".."))
            {
                return "must be cgroup:<path relative to the agent's cgroup roots> without empty, '.' or '..' segments";
            }

            return null;
        }

        if (target.StartsWith("vm:", StringComparison.Ordinal))
        {
            return target.Length > 3 && !target.Contains('/') ? null : "must be vm:<libvirt domain name>";
        }

        return "must start with cgroup: or vm:";
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void Bounds(List<string> errors, string section, string name, double min, double max, double lo, double hi)
    {
        if (!(min >= lo && max <= hi && min <= max))
        {
            errors.Add($"{section}:Max{name}: '{F(max)}' must be at least Min{name} '{F(min)}', both within [{F(lo)}, {F(hi)}]");
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
