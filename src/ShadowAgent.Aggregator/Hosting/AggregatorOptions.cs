namespace ShadowAgent.Aggregator.Hosting;

/// <summary>Settings of the aggregator, bound from the "Aggregator" configuration section.</summary>
public sealed class AggregatorOptions
{
    public const string Section = "Aggregator";

    /// <summary>host:port of the gRPC endpoint agents connect to (HTTP/2 without TLS; keep it on loopback or a private network).</summary>
    public string GrpcListen { get; set; } = "127.0.0.1:7400";

    /// <summary>host:port of the operator API and /metrics (HTTP/1.1).</summary>
    public string HttpListen { get; set; } = "127.0.0.1:7401";

    /// <summary>SQLite file; empty means shadow.db under $STATE_DIRECTORY (systemd) or the working directory.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>Profiles whose window ended longer ago than this are deleted by the hourly pruner.</summary>
    public TimeSpan ProfileRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Heartbeat interval the aggregator asks agents for in Welcome.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most profiles one fleet merge reads (the newest win); a larger range answers with truncated = true.</summary>
    public int FleetMaxProfiles { get; set; } = 10_000;

    /// <summary>
    /// Stream name to criticality ("critical", "normal", "low"), which sets the severity from which a scored window
    /// becomes a stored signal (low, medium, high); streams not listed are normal.
    /// </summary>
    public Dictionary<string, string> StreamCriticality { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The orchestrator: targets it sizes, and the bounds of what it learns (Aggregator:Orchestrator).</summary>
    public Orchestration.OrchestratorOptions Orchestrator { get; set; } = new();

    /// <summary>Training and shipping of the agents' learned detectors.</summary>
    public Models.ModelRefreshOptions Models { get; set; } = new();

    /// <summary>The database path after applying the defaults.</summary>
    public string ResolvedDatabasePath()
    {
        if (!string.IsNullOrWhiteSpace(DatabasePath))
        {
            return Path.GetFullPath(DatabasePath);
        }

        // systemd may pass several directories separated by ':'; the first is ours.
        var stateDirectory = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        var directory = string.IsNullOrEmpty(stateDirectory) ? Directory.GetCurrentDirectory() : stateDirectory.Split(':')[0];
        return Path.Combine(directory, "shadow.db");
    }
}
