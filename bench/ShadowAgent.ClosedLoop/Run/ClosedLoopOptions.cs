using System.Globalization;
using ShadowAgent.ClosedLoop.Trace;

namespace ShadowAgent.ClosedLoop.Run;

/// <summary>The benchmark's settings, from the command line; every problem names its option.</summary>
internal sealed class ClosedLoopOptions
{
    public const string Usage = """
        usage: closed-loop [run] [options]           the benchmark (needs root: it creates cgroups)
               closed-loop worker --rounds N [--port P]   the served process (started by the benchmark)

        trace
          --trace <csv>            NAB series (default: <repo>/../shared/data/nab/realTweets/Twitter_volume_AMZN.csv)
          --start <utc>            first replayed day (default 2015-03-16T06:00:00Z: days start at the night trough)
          --warmup-days N          days replayed before the measured one (default 3: seasonal models need 3 seasons)
          --day S                  wall seconds per real day (default 120)
          --peak-cores C           demand at the replayed days' 99th percentile, cores (default 0.35)
          --max-demand C           demand never exceeds this (default 1.2)
          --ramp-at F              ramp start as a fraction of the day (default 0.45)
          --ramp-factor X          ramp multiplier (default 3), --ramp-rise S (10), --ramp-hold S (20), --ramp-fall S (10)
          --ramp-every-day         the ramp recurs daily (a seasonal forecast can learn it); default: the measured day only
          --seed N                 arrival seed (default 1)
        worker and SLO
          --work-ms M              CPU per request, calibrated in CPU time (default 2)
          --connections N          client connections (default 32), --max-in-flight N (default 4096)
          --slo-ms M               p99 latency target per second (default 50)
          --throttle-ms M          throttled time per second that also violates (default 100)
          --pre-ramp S             a scale-up from S seconds before the ramp counts as the response to it (default 5)
        policies
          --policies a,b,c         any of static, reactive, predictive (default all three, in that order)
          --static-headroom H      static limit = measured day's peak demand × (1 + H) (default 0.2)
          --initial-cores C        limit at the start of a reactive or predictive run (default 1)
          --shares N               cpu.shares of the shadow-bench cgroup holding the worker, this program, the agent and
                                   the aggregator (default 262144, the most: on cgroup v1 every task of the root group
                                   weighs 1024, so a busy host would otherwise starve them; 0 leaves it alone)
          --policy-dir <dir>       policy files <policy>.json (default: Policies next to this program)
          --agent <path>           shadow-agent (default <repo>/out/bin/shadow-agent; a .dll runs with dotnet)
          --aggregator <path>      shadow-aggregator (default <repo>/out/bin/shadow-aggregator)
          --set-agent K=V          extra agent setting (colon path), repeatable; --set-aggregator K=V likewise
        output
          --out <file>             result JSON (default closed-loop-result.json)
          --work-dir <dir>         configs, logs, databases, decisions (default /tmp/shadow-closed-loop/<run>)
          --run <name>             run name, also the cgroup's (default cl-<unix seconds>)
        """;

    public static readonly string[] AllPolicies = ["static", "reactive", "predictive"];

    public TraceSpec Trace { get; set; } = new();

    public string TracePath { get; set; } = "";

    public int Seed { get; set; } = 1;

    public double WorkMs { get; set; } = 2;

    public int Connections { get; set; } = 32;

    public int MaxInFlight { get; set; } = 4096;

    public double SloMs { get; set; } = 50;

    public double ThrottleMs { get; set; } = 100;

    /// <summary>Seconds before the ramp from which a scale-up counts as the response to it (a forecast may act ahead).</summary>
    public double PreRamp { get; set; } = 5;

    public List<string> Policies { get; set; } = [.. AllPolicies];

    public double StaticHeadroom { get; set; } = 0.2;

    public double InitialCores { get; set; } = 1;

    public int Shares { get; set; } = 262_144;

    public string PolicyDir { get; set; } = Path.Combine(AppContext.BaseDirectory, "Policies");

    public string AgentPath { get; set; } = "";

    public string AggregatorPath { get; set; } = "";

    public List<(string Path, string Value)> AgentSettings { get; } = [];

    public List<(string Path, string Value)> AggregatorSettings { get; } = [];

    public string Out { get; set; } = "closed-loop-result.json";

    public string RunName { get; set; } = string.Create(CultureInfo.InvariantCulture, $"cl-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");

    public string WorkDir { get; set; } = "";

    public double HostCores { get; set; } = Environment.ProcessorCount;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the option at fault.</summary>
    public static ClosedLoopOptions Parse(string[] args)
    {
        var o = new ClosedLoopOptions();
        var t = new TraceSpec();
        var root = RepositoryRoot();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name}: a value is required");
            double Number() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"{name}: '{args[i]}' is not a number");
            int Integer() => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v : throw new ArgumentException($"{name}: '{args[i]}' is not an integer");
            switch (name)
            {
                case "run" when i == 0:
                    break;
                case "--trace": o.TracePath = Next(); break;
                case "--start":
                    t = t with
                    {
                        Start = DateTime.TryParse(Next(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var s)
                            ? s : throw new ArgumentException($"--start: '{args[i]}' is not a UTC time like 2015-03-16T06:00:00Z"),
                    };
                    break;
                case "--warmup-days": t = t with { WarmupDays = Integer() }; break;
                case "--day": t = t with { DaySeconds = Number() }; break;
                case "--peak-cores": t = t with { PeakCores = Number() }; break;
                case "--max-demand": t = t with { MaxCores = Number() }; break;
                case "--ramp-at": t = t with { RampAt = Number() }; break;
                case "--ramp-factor": t = t with { RampFactor = Number() }; break;
                case "--ramp-rise": t = t with { RampRise = Number() }; break;
                case "--ramp-hold": t = t with { RampHold = Number() }; break;
                case "--ramp-fall": t = t with { RampFall = Number() }; break;
                case "--ramp-every-day": t = t with { RampEveryDay = true }; break;
                case "--seed": o.Seed = Integer(); break;
                case "--work-ms": o.WorkMs = Number(); break;
                case "--connections": o.Connections = Integer(); break;
                case "--max-in-flight": o.MaxInFlight = Integer(); break;
                case "--slo-ms": o.SloMs = Number(); break;
                case "--throttle-ms": o.ThrottleMs = Number(); break;
                case "--pre-ramp": o.PreRamp = Number(); break;
                case "--policies":
                    o.Policies = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--static-headroom": o.StaticHeadroom = Number(); break;
                case "--initial-cores": o.InitialCores = Number(); break;
                case "--shares": o.Shares = Integer(); break;
                case "--policy-dir": o.PolicyDir = Next(); break;
                case "--agent": o.AgentPath = Next(); break;
                case "--aggregator": o.AggregatorPath = Next(); break;
                case "--set-agent": o.AgentSettings.Add(SystemUnderTest.JsonConfig.ParseAssignment(Next(), name)); break;
                case "--set-aggregator": o.AggregatorSettings.Add(SystemUnderTest.JsonConfig.ParseAssignment(Next(), name)); break;
                case "--out": o.Out = Next(); break;
                case "--work-dir": o.WorkDir = Next(); break;
                case "--run": o.RunName = Next(); break;
                default:
                    throw new ArgumentException($"'{name}' is not an option (--help lists them)");
            }
        }

        o.Trace = t;
        if (o.TracePath.Length == 0)
        {
            o.TracePath = Path.Combine(root, "..", "shared", "data", "nab", "realTweets", "Twitter_volume_AMZN.csv");
        }

        if (o.AgentPath.Length == 0)
        {
            o.AgentPath = Path.Combine(root, "out", "bin", "shadow-agent");
        }

        if (o.AggregatorPath.Length == 0)
        {
            o.AggregatorPath = Path.Combine(root, "out", "bin", "shadow-aggregator");
        }

        if (o.WorkDir.Length == 0)
        {
            o.WorkDir = Path.Combine(Path.GetTempPath(), "shadow-closed-loop", o.RunName);
        }

        if (o.Validate() is { } problem)
        {
            throw new ArgumentException(problem);
        }

        return o;
    }

    /// <summary>The first problem, naming its option, or null.</summary>
    public string? Validate()
    {
        if (Trace.Problem() is { } trace)
        {
            return trace;
        }

        if (!(WorkMs is > 0.05 and <= 100))
        {
            return $"--work-ms: {WorkMs} must be in (0.05, 100]";
        }

        if (Connections is < 1 or > 1024)
        {
            return $"--connections: {Connections} must be between 1 and 1024";
        }

        if (MaxInFlight < Connections)
        {
            return $"--max-in-flight: {MaxInFlight} must be at least --connections {Connections}";
        }

        if (!(SloMs > 0) || !(ThrottleMs >= 0))
        {
            return $"--slo-ms/--throttle-ms: {SloMs}/{ThrottleMs} must be positive";
        }

        if (Policies.Count == 0 || Policies.Any(p => !AllPolicies.Contains(p)) || Policies.Distinct().Count() != Policies.Count)
        {
            return $"--policies: '{string.Join(',', Policies)}' must list some of {string.Join(", ", AllPolicies)}, each once";
        }

        if (!(PreRamp >= 0 && PreRamp <= Trace.RampAt * Trace.DaySeconds))
        {
            return $"--pre-ramp: {PreRamp} must be between 0 and the ramp's start in the day ({Trace.RampAt * Trace.DaySeconds} s)";
        }

        if (!(StaticHeadroom is >= 0 and <= 10))
        {
            return $"--static-headroom: {StaticHeadroom} must be between 0 and 10";
        }

        if (Shares is < 0 or > 262_144)
        {
            return $"--shares: {Shares} must be between 0 and 262144";
        }

        if (!(InitialCores > 0 && InitialCores <= HostCores))
        {
            return $"--initial-cores: {InitialCores} must be positive and at most the host's {HostCores} cores";
        }

        return File.Exists(TracePath) ? null : $"--trace: no file at {Path.GetFullPath(TracePath)}";
    }

    /// <summary>The directory holding ShadowAgent.sln above this program (or the current directory).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ShadowAgent.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
