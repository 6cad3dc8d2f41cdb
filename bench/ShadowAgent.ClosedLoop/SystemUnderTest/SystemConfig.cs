using System.Globalization;
using System.Text.Json.Nodes;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// The generated configuration of the real shadow-agent and shadow-aggregator for one policy run, before the
/// policy file and the command line's settings are merged over it.
/// <para>Agent: host <see cref="HostId"/>; stream <c>requests</c> is a socket tap of the requests as they arrive (one
/// NDJSON record per arrival, as an ingress copy of the traffic would give: the demand, which keeps rising when the
/// worker saturates); stream <c>access</c> is the worker's access log (one record per answer: route, latency_ms,
/// status; a shed request answers 503); stream <c>worker</c> is a probe of the worker's cgroup; all with 1-second
/// windows (a compressed day of 120 s is 120 windows: one decision per window). Actuation is on, confined to the
/// shadow-bench roots.</para>
/// <para>Aggregator: one orchestrator target <c>worker</c> naming the cgroup, its probe stream and the workload
/// stream (the arrivals), the SLO judged on the access log, with the capacity model measured by the calibration, cooldowns scaled to the compressed day, and the
/// SLO the benchmark judges by. The policy files switch the predictive triggers off (reactive) or on (predictive).</para>
/// </summary>
internal static class SystemConfig
{
    public const string HostId = "closed-loop";
    public const string WorkloadStream = "requests";
    public const string AccessStream = "access";
    public const string ResourceStream = "worker";
    public const string TargetName = "worker";

    public static JsonObject Agent(SystemPorts ports, IReadOnlyList<string> cgroupRoots, string cgroupName, double hostCores)
    {
        var roots = new JsonArray([.. cgroupRoots.Select(r => JsonValue.Create(r))]);
        return new JsonObject
        {
            ["Agent"] = new JsonObject
            {
                ["HostId"] = HostId,
                ["HostName"] = HostId,
                ["Aggregator"] = new JsonObject
                {
                    ["Endpoint"] = $"http://127.0.0.1:{ports.Grpc.ToString(CultureInfo.InvariantCulture)}",
                    ["HeartbeatInterval"] = "00:00:01",
                    ["ReconnectMin"] = "00:00:00.1",
                    ["ReconnectMax"] = "00:00:01",
                },
                ["Streams"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["Name"] = WorkloadStream,
                        ["Tap"] = new JsonObject { ["Kind"] = "tcp", ["Address"] = $"127.0.0.1:{ports.Tap.ToString(CultureInfo.InvariantCulture)}" },
                        ["KeyFields"] = new JsonArray("route"),
                        ["Window"] = "00:00:01",
                        ["Detection"] = new JsonObject { ["Warmup"] = 30 },
                        ["Forecast"] = new JsonObject { ["Horizon"] = 10 },
                    },
                    new JsonObject
                    {
                        ["Name"] = ResourceStream,
                        ["Tap"] = new JsonObject
                        {
                            ["Kind"] = "probe",
                            ["Probe"] = new JsonObject
                            {
                                ["Target"] = "cgroup:" + cgroupName,
                                ["Interval"] = "00:00:00.25",
                                ["CgroupRoots"] = roots.DeepClone(),
                            },
                        },
                        ["NumericFields"] = new JsonArray("cpu.cores_used", "cpu.limit_cores", "cpu.util", "cpu.throttled_ratio", "cpu.throttled_s"),
                        ["Window"] = "00:00:01",
                        ["Detection"] = new JsonObject { ["Warmup"] = 30 },
                        ["Forecast"] = new JsonObject { ["Field"] = "cpu.cores_used", ["Horizon"] = 10 },
                    },
                    new JsonObject
                    {
                        ["Name"] = AccessStream,
                        ["Tap"] = new JsonObject { ["Kind"] = "tcp", ["Address"] = $"127.0.0.1:{ports.AccessTap.ToString(CultureInfo.InvariantCulture)}" },
                        ["KeyFields"] = new JsonArray("route"),
                        ["NumericFields"] = new JsonArray("latency_ms", "status"),
                        ["Window"] = "00:00:01",
                        ["Detection"] = new JsonObject { ["Warmup"] = 30 },
                    },
                },
                ["Actuation"] = new JsonObject
                {
                    ["Enabled"] = true,
                    ["CgroupRoots"] = roots,
                    ["MinCpuCores"] = 0.1,
                    ["MaxCpuCores"] = hostCores,
                    ["MaxCommandsPerMinute"] = 600,
                },
            },
        };
    }

    public static JsonObject Aggregator(SystemPorts ports, string databasePath, string cgroupName, double hostCores, double initialCores,
        double requestsPerCoreSecond, double sloMs)
    {
        return new JsonObject
        {
            ["Aggregator"] = new JsonObject
            {
                ["GrpcListen"] = $"127.0.0.1:{ports.Grpc.ToString(CultureInfo.InvariantCulture)}",
                ["HttpListen"] = $"127.0.0.1:{ports.Http.ToString(CultureInfo.InvariantCulture)}",
                ["DatabasePath"] = databasePath,
                ["HeartbeatInterval"] = "00:00:01",
                ["Orchestrator"] = new JsonObject
                {
                    ["Enabled"] = true,
                    ["SettleTime"] = "00:00:05",
                    ["Horizon"] = 6,
                    ["Targets"] = new JsonObject
                    {
                        [TargetName] = new JsonObject
                        {
                            ["Host"] = HostId,
                            ["Target"] = "cgroup:" + cgroupName,
                            ["ResourceStream"] = ResourceStream,
                            ["WorkloadStreams"] = new JsonArray(WorkloadStream),
                            ["Criticality"] = "normal",
                            ["MinCpuCores"] = 0.1,
                            ["MaxCpuCores"] = hostCores,
                            ["InitialCpuCores"] = initialCores,
                            ["RecordsPerCoreSecond"] = Math.Round(requestsPerCoreSecond, 1),
                            ["CooldownUp"] = "00:00:02",
                            ["CooldownDown"] = "00:00:05",
                            ["Hysteresis"] = 3,
                            ["MaxActionsPerHour"] = 3600,
                            ["SloStream"] = AccessStream,
                            ["SloField"] = "latency_ms",
                            ["SloThreshold"] = sloMs,
                        },
                    },
                },
            },
        };
    }
}
