namespace ShadowAgent.Core.Streams;

/// <summary>
/// The HTTP mirror tap (<see cref="TapKinds.HttpMirror"/>): a reverse proxy listening on the tap's address
/// that forwards every request to <see cref="Primary"/> unchanged and copies a sampled share asynchronously
/// to <see cref="Shadow"/>. The primary never waits on the shadow: copies wait in a bounded queue and are
/// dropped (and counted) when it is full.
/// </summary>
public sealed class MirrorOptions
{
    /// <summary>The production service, ip:port (HTTP/1.1, cleartext).</summary>
    public string Primary { get; set; } = "";

    /// <summary>The shadow instance, ip:port (HTTP/1.1, cleartext).</summary>
    public string Shadow { get; set; } = "";

    /// <summary>Share of requests copied to the shadow, [0, 1]. The orchestrator may change it at run time.</summary>
    public double Rate { get; set; } = 0.1;

    /// <summary>"random" (each request independently) or "hash" (by <see cref="HashOn"/>: a user or path is always in or out).</summary>
    public string Mode { get; set; } = SamplingModes.Random;

    /// <summary>What hash sampling hashes: "path" (the target without the query) or "header:Name".</summary>
    public string HashOn { get; set; } = "path";

    /// <summary>Copied requests waiting for the shadow; when full, new copies are dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Requests in flight to the shadow at once (amplified copies included).</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Largest request body copied; a request with a larger body goes to the primary only and is counted.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest request head (request line and headers); larger ones are answered 431 and counted as oversize.</summary>
    public int MaxHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Idle keep-alive connections kept to the primary.</summary>
    public int PrimaryPoolSize { get; set; } = 256;

    /// <summary>How long a shadow request may take before it counts as an error.</summary>
    public TimeSpan ShadowTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The shadow instance profile (JSON): service, resources, noise and scenarios. Empty: no noise, ×1.</summary>
    public string ProfilePath { get; set; } = "";

    /// <summary>The profile's scenario to apply; empty: the profile's first scenario, or none.</summary>
    public string Scenario { get; set; } = "";

    /// <summary>Stops copying to a shadow that keeps failing, and probes it now and then.</summary>
    public MirrorBreakerOptions Breaker { get; set; } = new();
}

public static class MirrorHashOn
{
    public const string Path = "path";
    public const string HeaderPrefix = "header:";
}
