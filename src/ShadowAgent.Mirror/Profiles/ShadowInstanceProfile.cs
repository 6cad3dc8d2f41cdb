namespace ShadowAgent.Mirror.Profiles;

/// <summary>
/// A shadow instance profile (the JSON at Tap:Mirror:ProfilePath): which service the shadow is, how large it is
/// relative to production, the noise the mirror adds on the shadow path, and the load scenarios it can apply.
/// Nothing here ever touches the primary path.
/// </summary>
public sealed class ShadowInstanceProfile
{
    public ServiceDescriptor Service { get; set; } = new();

    public ResourceAllocation Resources { get; set; } = new();

    public NoiseParameters Noise { get; set; } = new();

    /// <summary>Route prefixes: a request's route is the longest one its path starts with, else its path.</summary>
    public List<string> Routes { get; set; } = [];

    public List<LoadScenario> Scenarios { get; set; } = [];

    /// <summary>Response-body comparison of shadow against primary for chosen routes; null: no body is kept or compared.</summary>
    public BodyDiffSettings? BodyDiff { get; set; }
}

/// <summary>
/// Which routes have their response bodies compared (the primary's kept while it streams to the client, the
/// shadow's as it arrives), which JSON field names are ignored at any depth (timestamps, request ids), and the
/// largest body kept per side: a larger one is counted "too_large" and not compared.
/// </summary>
public sealed class BodyDiffSettings
{
    /// <summary>Path prefixes, as the profile's routes match; a trailing '*' may make that explicit ("/api/cart/*").</summary>
    public List<string> Routes { get; set; } = [];

    public List<string> IgnoreFields { get; set; } = [];

    public int MaxBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>What the shadow instance runs.</summary>
public sealed class ServiceDescriptor
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    /// <summary>Free-form labels (team, image, commit) carried for the operator.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
}

/// <summary>The shadow's resources as shares of production's (0.25 = a quarter), so results can be scaled back.</summary>
public sealed class ResourceAllocation
{
    public double Cpu { get; set; } = 1.0;

    public double Memory { get; set; } = 1.0;

    public double Replicas { get; set; } = 1.0;
}

/// <summary>Noise the mirror injects on the shadow path only.</summary>
public sealed class NoiseParameters
{
    /// <summary>Mean of the delay added before a copy is sent, milliseconds (Normal, truncated at 0).</summary>
    public double DelayMeanMs { get; set; }

    public double DelayStdDevMs { get; set; }

    /// <summary>Share of copies whose answer is replaced by an injected error (the copy is still sent).</summary>
    public double ErrorRate { get; set; }
}

/// <summary>A load test the shadow runs: amplification and a request mix.</summary>
public sealed class LoadScenario
{
    public string Name { get; set; } = "";

    /// <summary>Copies sent per mirrored request (fractions send the extra copy with that probability): ×N peak load.</summary>
    public double Amplification { get; set; } = 1.0;

    /// <summary>Weights by route prefix (longest match) multiplying the amplification: 0 leaves a route out, 2 doubles it.</summary>
    public Dictionary<string, double> Mix { get; set; } = [];
}
