using ShadowAgent.Agent.Actuation;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Profiles;

namespace ShadowAgent.Agent.Configuration;

/// <summary>Checks the agent's own keys and its streams at start; each message names its key.</summary>
internal static class AgentOptionsValidator
{
    public static void Validate(AgentOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.HostId) || options.HostId.Length > 256 || options.HostId.Any(char.IsControl))
        {
            errors.Add($"Agent:HostId: '{options.HostId}' must be 1 to 256 printable characters.");
        }

        var a = options.Aggregator;
        if (!Uri.TryCreate(a.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Agent:Aggregator:Endpoint: '{a.Endpoint}' is not an absolute http:// or https:// address (for example http://127.0.0.1:7400).");
        }

        if (a.ReconnectMin < TimeSpan.FromMilliseconds(10) || a.ReconnectMin > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Agent:Aggregator:ReconnectMin: {a.ReconnectMin} is outside 00:00:00.01 to 00:10:00.");
        }

        if (a.ReconnectMax < a.ReconnectMin || a.ReconnectMax > TimeSpan.FromHours(1))
        {
            errors.Add($"Agent:Aggregator:ReconnectMax: {a.ReconnectMax} must be at least ReconnectMin ({a.ReconnectMin}) and at most 01:00:00.");
        }

        if (a.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || a.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Agent:Aggregator:HeartbeatInterval: {a.HeartbeatInterval} is outside 00:00:00.1 to 01:00:00.");
        }

        if (a.MaxUnackedBatches is < 1 or > 1_000_000)
        {
            errors.Add($"Agent:Aggregator:MaxUnackedBatches: {a.MaxUnackedBatches} is outside 1 to 1000000.");
        }

        if (a.AckTimeout < TimeSpan.FromMilliseconds(100) || a.AckTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"Agent:Aggregator:AckTimeout: {a.AckTimeout} is outside 00:00:00.1 to 01:00:00.");
        }

        if (options.Spool.Directory.Length > 0 && !Path.IsPathFullyQualified(options.Spool.Directory))
        {
            errors.Add($"Agent:Spool:Directory: '{options.Spool.Directory}' is not an absolute path.");
        }

        if (options.Spool.MaxBytes is < 1024 * 1024 or > 64L * 1024 * 1024 * 1024)
        {
            errors.Add($"Agent:Spool:MaxBytes: {options.Spool.MaxBytes} is outside 1048576 to 68719476736.");
        }

        if (options.Metrics.Listen.Length > 0 && !StreamOptionsValidator.TryParseTcpAddress(options.Metrics.Listen, out _))
        {
            errors.Add($"Agent:Metrics:Listen: '{options.Metrics.Listen}' is not an ip:port (for example 127.0.0.1:7411).");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero || options.ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Agent:ShutdownTimeout: {options.ShutdownTimeout} is outside 00:00:00 to 00:10:00.");
        }

        if (options.Streams.Count == 0)
        {
            errors.Add("Agent:Streams: at least one stream is required.");
        }

        StreamOptionsValidator.Validate(options.Streams, "Agent:Streams", errors);
        ActuationOptionsValidator.Validate(options.Actuation, errors);

        for (var i = 0; i < options.Streams.Count; i++)
        {
            // The shadow instance profile is a file of its own: checked here too, so --check-config reports it.
            var mirror = options.Streams[i].Tap.Mirror;
            if (options.Streams[i].Tap.Kind == TapKinds.HttpMirror && Path.IsPathFullyQualified(mirror.ProfilePath))
            {
                var problems = new List<string>();
                if (ShadowProfileLoader.Load(mirror.ProfilePath, problems) is { } profile && mirror.Scenario.Length > 0 && !profile.Scenarios.Exists(s => s.Name == mirror.Scenario))
                {
                    problems.Add($"scenario '{mirror.Scenario}' is not in the profile.");
                }

                errors.AddRange(problems.Select(p => $"Agent:Streams:{i}:Tap:Mirror:ProfilePath: '{mirror.ProfilePath}': {p}"));
            }
        }
    }
}
