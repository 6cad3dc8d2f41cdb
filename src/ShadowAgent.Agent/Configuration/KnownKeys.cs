using Microsoft.Extensions.Configuration;

namespace ShadowAgent.Agent.Configuration;

/// <summary>
/// The keys the "Agent" section may hold, so a typo is reported with its full key instead of being
/// silently ignored. Configuration keys are case-insensitive.
/// </summary>
internal static class KnownKeys
{
    private static readonly HashSet<string> Agent = Set("HostId", "HostName", "Aggregator", "Spool", "Metrics", "Streams", "ShutdownTimeout", "Actuation");
    private static readonly HashSet<string> Metrics = Set("Listen");
    private static readonly HashSet<string> Spool = Set("Directory", "MaxBytes");
    private static readonly HashSet<string> Aggregator = Set("Endpoint", "ReconnectMin", "ReconnectMax", "HeartbeatInterval", "MaxUnackedBatches", "AckTimeout");
    private static readonly HashSet<string> Stream = Set("Name", "Tap", "Format", "KeyFields", "NumericFields", "Window", "Hop", "EventTime", "Sampling", "Sketches", "Schema", "Spectral", "Detection", "Forecast");
    private static readonly HashSet<string> Forecast = Set("Enabled", "Horizon", "Level", "Field", "CoarseStep", "CoarseHorizon");
    private static readonly HashSet<string> Detection = Set("Enabled", "Warmup");
    private static readonly HashSet<string> EventTime = Set("Field", "Format", "AllowedLateness");
    private static readonly HashSet<string> Sampling = Set("Rate", "Mode", "KeyField");
    private static readonly HashSet<string> Sketches = Set("HllLgK", "HllType", "FrequentItemsLgMaxMapSize", "FrequentItemsWireLgMaxMapSize", "TopK", "QuantileRelativeAccuracy", "QuantileMaxBins");
    private static readonly HashSet<string> Schema = Set("Enabled", "MaxFields", "MaxPathChars", "MaxFieldsPerProfile", "BaselineWindows", "ShareShift");
    private static readonly HashSet<string> Spectral = Set("Enabled", "MaxLength", "Fields");
    private static readonly HashSet<string> Tap = Set(
        "Kind", "Address", "MaxConnections", "MaxLineBytes", "MaxBacklogBytes",
        "Paths", "PollInterval", "CheckpointPath", "CheckpointInterval", "StartAt", "Plain",
        "MaxFrameBytes", "MaxDepth", "MaxEntries", "Probe", "Mirror", "Security");

    private static readonly HashSet<string> Plain = Set("KeyPattern");
    private static readonly HashSet<string> Security = Set("SelfHostname", "SharedKey", "SharedKeyFile", "Users", "HandshakeTimeout");
    private static readonly HashSet<string> User = Set("Username", "Password", "PasswordFile");

        private static readonly HashSet<string> Probe = Set("Target", "Interval", "CgroupRoots", "ProcRoot");
    private static readonly HashSet<string> Actuation = Set("Enabled", "DryRun", "CgroupRoots", "MinCpuCores", "MaxCpuCores", "MinMemoryBytes", "MaxMemoryBytes", "MinCpuWeight", "MaxCpuWeight", "MaxCommandsPerMinute", "RecentCommands", "Libvirt");
    private static readonly HashSet<string> Libvirt = Set("Uri", "Domains");
    private static readonly HashSet<string> Mirror = Set("Primary", "Shadow", "Rate", "Mode", "HashOn", "QueueCapacity", "MaxConcurrency", "MaxBodyBytes", "MaxHeaderBytes", "PrimaryPoolSize", "ShadowTimeout", "ProfilePath", "Scenario", "Breaker");
    private static readonly HashSet<string> Breaker = Set("Failures", "OpenFor", "MaxOpenFor", "Jitter");

    public static void CheckAgent(IConfigurationSection agent, List<string> errors)
    {
        foreach (var child in agent.GetChildren())
        {
            if (!Agent.Contains(child.Key))
            {
                Unknown(child, errors);
            }
            else if (Is(child, "Aggregator"))
            {
                CheckChildren(child, Aggregator, errors);
            }
            else if (Is(child, "Spool"))
            {
                CheckChildren(child, Spool, errors);
            }
            else if (Is(child, "Metrics"))
            {
                CheckChildren(child, Metrics, errors);
            }
            else if (Is(child, "Actuation"))
            {
                CheckChildren(child, Actuation, errors);
                foreach (var libvirt in child.GetChildren().Where(c => Is(c, "Libvirt")))
                {
                    CheckChildren(libvirt, Libvirt, errors);
                }
            }
            else if (Is(child, "Streams"))
            {
                foreach (var stream in child.GetChildren())
                {
                    if (!int.TryParse(stream.Key, out _))
                    {
                        errors.Add($"{stream.Path}: is not a stream index; Streams is a list (Streams:0, Streams:1, ...).");
                        continue;
                    }

                    foreach (var field in stream.GetChildren())
                    {
                        if (!Stream.Contains(field.Key))
                        {
                            Unknown(field, errors);
                        }
                        else if (Is(field, "Tap"))
                        {
                            CheckChildren(field, Tap, errors);
                            foreach (var probe in field.GetChildren().Where(c => Is(c, "Probe")))
                            {
                                CheckChildren(probe, Probe, errors);
                            }

                            foreach (var mirror in field.GetChildren().Where(c => Is(c, "Mirror")))
                            {
                                CheckChildren(mirror, Mirror, errors);
                                foreach (var breaker in mirror.GetChildren().Where(c => Is(c, "Breaker")))
                                {
                                    CheckChildren(breaker, Breaker, errors);
                                }
                            }

                            foreach (var plain in field.GetChildren().Where(c => Is(c, "Plain")))
                            {
                                CheckChildren(plain, Plain, errors);
                            }

                            foreach (var security in field.GetChildren().Where(c => Is(c, "Security")))
                            {
                                CheckSecurity(security, errors);
                            }
                        }
                        else if (Is(field, "EventTime"))
                        {
                            CheckChildren(field, EventTime, errors);
                        }
                        else if (Is(field, "Sampling"))
                        {
                            CheckChildren(field, Sampling, errors);
                        }
                        else if (Is(field, "Sketches"))
                        {
                            CheckChildren(field, Sketches, errors);
                        }
                        else if (Is(field, "Schema"))
                        {
                            CheckChildren(field, Schema, errors);
                        }
                        else if (Is(field, "Spectral"))
                        {
                            CheckChildren(field, Spectral, errors);
                        }
                        else if (Is(field, "Detection"))
                        {
                            CheckChildren(field, Detection, errors);
                        }
                        else if (Is(field, "Forecast"))
                        {
                            CheckChildren(field, Forecast, errors);
                        }
                    }
                }
            }
        }
    }

    private static void CheckSecurity(IConfigurationSection security, List<string> errors)
    {
        CheckChildren(security, Security, errors);
        foreach (var users in security.GetChildren().Where(c => Is(c, "Users")))
        {
            foreach (var user in users.GetChildren())
            {
                if (!int.TryParse(user.Key, out _))
                {
                    errors.Add($"{user.Path}: is not a user index; Users is a list (Users:0, Users:1, ...).");
                    continue;
                }

                CheckChildren(user, User, errors);
            }
        }
    }

    private static void CheckChildren(IConfigurationSection section, HashSet<string> known, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key))
            {
                Unknown(child, errors);
            }
        }
    }

    private static void Unknown(IConfigurationSection section, List<string> errors) =>
        errors.Add($"{section.Path}: is not a known setting.");

    private static bool Is(IConfigurationSection section, string key) => string.Equals(section.Key, key, StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> Set(params string[] keys) => new(keys, StringComparer.OrdinalIgnoreCase);
}
