using System.Globalization;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>Command-line options of <c>shadow-aggregator demo</c>.</summary>
internal sealed class DemoOptions
{
    public const string Usage = """
        shadow-aggregator demo [options]

        Starts the aggregator in this process and the shadow-agent binary as a child process, both on
        loopback, drives a compressed day of checkout traffic with one incident into the agent's socket
        tap, and prints every profile as the aggregator stores it. Ctrl-C stops everything and prints
        the reconciliation of records sent against records stored.

          --agent PATH            shadow-agent binary (default: next to this executable)
          --duration SECONDS      stop by itself after this long (default: one simulated day; 0: until Ctrl-C)
          --peak-rate N           records per second at the daily peak (default 4000)
          --day-seconds N         real seconds one simulated day lasts (default 240)
          --incident-at SECONDS   when the incident starts (default 50)
          --incident-seconds N    how long it lasts (default 20)
          --window-seconds N      window length of the demo stream (default 2)
          --records-per-core N    checkout records one core serves: the worker's cost per record (default 6000)
          --initial-cores N       the checkout cgroup's CPU limit at start (default 0.5)
          --dry-run               resize nothing even as root (the agent answers DRY_RUN; the default without root)
          --grpc-port N           aggregator gRPC port (default 7400)
          --http-port N           aggregator API port (default 7401)
          --tap-port N            agent tap port (default 7410)
          --metrics-port N        agent /metrics port (default: the tap port + 1)
        """;

    public string AgentPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "shadow-agent");

    public TimeSpan? Duration { get; set; }

    public WorkloadOptions Workload { get; } = new();

    public int WindowSeconds { get; set; } = 2;

    /// <summary>Records per second one core of the checkout worker serves (its CPU cost per record is the inverse).</summary>
    public double RecordsPerCore { get; set; } = 6000;

    /// <summary>The checkout cgroup's CPU limit when the demo starts.</summary>
    public double InitialCores { get; set; } = 0.5;

    /// <summary>Resize nothing even as root: actuation answers DRY_RUN.</summary>
    public bool DryRun { get; set; }

    public int GrpcPort { get; set; } = 7400;

    public int HttpPort { get; set; } = 7401;

    public int TapPort { get; set; } = 7410;

    /// <summary>The agent's <c>/metrics</c> port; unset, the one after the tap port.</summary>
    public int? MetricsPortOption { get; set; }

    public int MetricsPort => MetricsPortOption ?? TapPort + 1;

    public bool Help { get; set; }

    /// <summary>Parses the arguments after "demo"; every problem is one line naming the option.</summary>
    public static DemoOptions Parse(IReadOnlyList<string> args, List<string> errors)
    {
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options.Help = true;
                continue;
            }

            if (name == "--dry-run")
            {
                options.DryRun = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                errors.Add($"{name}: a value is required (see --help)");
                break;
            }

            var value = args[++i];
            switch (name)
            {
                case "--agent":
                    options.AgentPath = Path.GetFullPath(value);
                    break;
                case "--duration":
                    options.Duration = TimeSpan.FromSeconds(Number(name, value, 0, 86_400, errors));
                    break;
                case "--peak-rate":
                    options.Workload.PeakRate = Number(name, value, 1, 1_000_000, errors);
                    break;
                case "--day-seconds":
                    options.Workload.DaySeconds = Number(name, value, 10, 86_400, errors);
                    break;
                case "--incident-at":
                    options.Workload.IncidentAtSeconds = Number(name, value, 0, 86_400, errors);
                    break;
                case "--incident-seconds":
                    options.Workload.IncidentSeconds = Number(name, value, 0, 3_600, errors);
                    break;
                case "--window-seconds":
                    options.WindowSeconds = (int)Number(name, value, 1, 60, errors);
                    if (60 % options.WindowSeconds != 0)
                    {
                        errors.Add($"{name}: {value} must divide 60");
                    }

                    break;
                case "--records-per-core":
                    options.RecordsPerCore = Number(name, value, 10, 10_000_000, errors);
                    break;
                case "--initial-cores":
                    options.InitialCores = Number(name, value, 0.1, 64, errors);
                    break;
                case "--grpc-port":
                    options.GrpcPort = (int)Number(name, value, 1, 65_535, errors);
                    break;
                case "--http-port":
                    options.HttpPort = (int)Number(name, value, 1, 65_535, errors);
                    break;
                case "--tap-port":
                    options.TapPort = (int)Number(name, value, 1, 65_535, errors);
                    break;
                case "--metrics-port":
                    options.MetricsPortOption = (int)Number(name, value, 1, 65_535, errors);
                    break;
                default:
                    errors.Add($"{name}: unknown option (see --help)");
                    break;
            }
        }

        return options;
    }

    private static double Number(string name, string value, double min, double max, List<string> errors)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add($"{name}: '{value}' is not a number from {min} to {max}");
        return min;
    }
}
