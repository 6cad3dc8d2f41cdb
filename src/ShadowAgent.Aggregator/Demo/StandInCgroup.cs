using System.Globalization;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// What the demo shows without root, where it may not create cgroups: a directory shaped like a cgroup v2
/// <c>shadow-demo/checkout</c> in the demo's work directory, whose <c>cpu.stat</c> the demo keeps at the real
/// worker's CPU time and whose <c>cpu.max</c> holds the initial limit. The agent probes it like any cgroup and,
/// in dry-run mode, answers every resize <c>DRY_RUN</c> with the before and would-be after values; nothing on the
/// machine is limited (the worker runs unconfined).
/// </summary>
internal sealed class StandInCgroup
{
    private readonly string _dir;

    public StandInCgroup(string workDir, double initialCores)
    {
        Root = Path.Combine(workDir, "cgroup");
        _dir = Path.Combine(Root, DemoCgroup.Name);
        Directory.CreateDirectory(_dir);
        foreach (var dir in new[] { Root, Path.Combine(Root, DemoCgroup.Parent), _dir })
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.controllers"), "cpu\n");
        }

        File.WriteAllText(Path.Combine(_dir, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Round(initialCores * 100_000)} 100000\n"));
        File.WriteAllText(Path.Combine(_dir, "cpu.weight"), "100\n");
        Update(TimeSpan.Zero);
    }

    /// <summary>The stand-in hierarchy root.</summary>
    public string Root { get; }

    /// <summary>Writes the worker's CPU time as the cgroup's usage (atomically, so the probe never reads half a file).</summary>
    public void Update(TimeSpan workerCpu)
    {
        var usec = (long)workerCpu.TotalMicroseconds;
        var temp = Path.Combine(_dir, "cpu.stat.tmp");
        File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture,
            $"usage_usec {usec}\nuser_usec {usec}\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n"));
        File.Move(temp, Path.Combine(_dir, "cpu.stat"), overwrite: true);
    }
}
