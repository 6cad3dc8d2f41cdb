using System.Globalization;

namespace ShadowAgent.ClosedLoop.Cgroups;

/// <summary>
/// The worker's real cgroup: <c>shadow-bench/&lt;run&gt;</c> under the CPU hierarchies of this machine. On cgroup v1
/// (cpu and cpuacct mounted apart or together under /sys/fs/cgroup) the same relative path is made in each, the
/// limit is cpu.cfs_quota_us / cpu.cfs_period_us, throttling is cpu.stat and usage cpuacct.usage; on v2 it is one
/// directory with cpu.max and cpu.stat (the cpu controller enabled for the children on the way down).
/// <see cref="Roots"/> are the shadow-bench directories: what the agent's probe and actuation are confined to.
/// Needs root. <see cref="Dispose"/> removes the run's directories (their processes must have exited).
/// </summary>
internal sealed class BenchCgroup : IDisposable
{
    public const string Parent = "shadow-bench";
    private const int PeriodUs = 100_000;

    private readonly string[] _dirs;
    private readonly string _cpuDir;
    private readonly string _usageDir;
    private readonly bool _v2;

    private BenchCgroup(string name, string[] roots, bool v2, string cpuRoot, string usageRoot)
    {
        Name = name;
        Roots = roots;
        _v2 = v2;
        _dirs = [.. roots.Select(r => Path.Combine(r, name))];
        _cpuDir = Path.Combine(cpuRoot, name);
        _usageDir = Path.Combine(usageRoot, name);
    }

    /// <summary>The run's path relative to each of <see cref="Roots"/> (what "cgroup:..." targets name).</summary>
    public string Name { get; }

    /// <summary>The shadow-bench directory in each hierarchy used.</summary>
    public IReadOnlyList<string> Roots { get; }

    public IReadOnlyList<string> Directories => _dirs;

    public bool IsV2 => _v2;

    /// <summary>
    /// Creates shadow-bench/<paramref name="name"/> under the mount at <paramref name="mount"/>. shadow-bench gets
    /// <paramref name="shares"/> (v1 cpu.shares; v2 cpu.weight scaled from 1024 = 100): on a host busy with other
    /// work the benchmark's processes still get the CPU their limits allow, as a production service would, instead
    /// of one fair share among every runnable thread of the machine. 0 leaves the weight alone.
    /// </summary>
    public static BenchCgroup Create(string name, int shares = 0, string mount = "/sys/fs/cgroup")
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') || name is "." or "..")
        {
            throw new ArgumentException($"--run: '{name}' must be letters, digits, '.', '_' or '-'", nameof(name));
        }

        BenchCgroup cgroup;
        var controllers = Path.Combine(mount, "cgroup.controllers");
        if (File.Exists(controllers) && File.ReadAllText(controllers).Split(' ', '\n').Contains("cpu"))
        {
            var parent = Path.Combine(mount, Parent);
            EnableCpu(mount);
            Directory.CreateDirectory(parent);
            EnableCpu(parent);
            if (shares > 0)
            {
                File.WriteAllText(Path.Combine(parent, "cpu.weight"), Math.Clamp(shares * 100 / 1024, 1, 10_000).ToString(CultureInfo.InvariantCulture));
            }

            cgroup = new BenchCgroup(name, [parent], true, parent, parent);
        }
        else
        {
            var cpu = Hierarchy(mount, "cpu", "cpu.cfs_quota_us");
            var cpuacct = Hierarchy(mount, "cpuacct", "cpuacct.usage");
            var roots = new List<string> { Path.Combine(cpu, Parent) };
            if (cpuacct != cpu)
            {
                roots.Add(Path.Combine(cpuacct, Parent));
            }

            cgroup = new BenchCgroup(name, [.. roots], false, roots[0], roots[^1]);
            Directory.CreateDirectory(roots[0]);
            if (shares > 0)
            {
                File.WriteAllText(Path.Combine(roots[0], "cpu.shares"), Math.Clamp(shares, 2, 262_144).ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var dir in cgroup._dirs)
        {
            Directory.CreateDirectory(dir);
        }

        return cgroup;
    }

    /// <summary>Moves the process (all its threads) into the run's cgroup in every hierarchy.</summary>
    public void Add(int pid)
    {
        foreach (var dir in _dirs)
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Moves the process back to the root of every hierarchy this cgroup is in (so the cgroup can be removed).</summary>
    public void Release(int pid)
    {
        foreach (var root in Roots)
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(root)!, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    public IReadOnlyList<int> Processes() =>
        [.. File.ReadAllLines(Path.Combine(_cpuDir, "cgroup.procs")).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    /// <summary>Sets the CPU limit in cores (period 100 ms); null removes it.</summary>
    public void SetCpuLimit(double? cores)
    {
        if (cores is { } c && !(c > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(cores), c, "a CPU limit must be positive");
        }

        var quota = cores is { } value ? Math.Max(1000, (long)Math.Round(value * PeriodUs)) : -1;
        if (_v2)
        {
            File.WriteAllText(Path.Combine(_cpuDir, "cpu.max"), quota < 0
                ? string.Create(CultureInfo.InvariantCulture, $"max {PeriodUs}")
                : string.Create(CultureInfo.InvariantCulture, $"{quota} {PeriodUs}"));
            return;
        }

        File.WriteAllText(Path.Combine(_cpuDir, "cpu.cfs_period_us"), PeriodUs.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(_cpuDir, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The CPU limit in cores, or null when unlimited.</summary>
    public double? ReadCpuLimit()
    {
        if (_v2)
        {
            var parts = File.ReadAllText(Path.Combine(_cpuDir, "cpu.max")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return parts[0] == "max" ? null : double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        var q = long.Parse(File.ReadAllText(Path.Combine(_cpuDir, "cpu.cfs_quota_us")).Trim(), CultureInfo.InvariantCulture);
        var p = long.Parse(File.ReadAllText(Path.Combine(_cpuDir, "cpu.cfs_period_us")).Trim(), CultureInfo.InvariantCulture);
        return q < 0 ? null : (double)q / p;
    }

    public CgroupSample Sample(double t)
    {
        var stat = Keyed(File.ReadAllText(Path.Combine(_cpuDir, "cpu.stat")));
        ulong usage, throttled;
        if (_v2)
        {
            usage = stat.GetValueOrDefault("usage_usec") * 1000;
            throttled = stat.GetValueOrDefault("throttled_usec") * 1000;
        }
        else
        {
            usage = ulong.Parse(File.ReadAllText(Path.Combine(_usageDir, "cpuacct.usage")).Trim(), CultureInfo.InvariantCulture);
            throttled = stat.GetValueOrDefault("throttled_time");
        }

        return new CgroupSample(t, ReadCpuLimit(), throttled, usage, stat.GetValueOrDefault("nr_periods"), stat.GetValueOrDefault("nr_throttled"));
    }

    /// <summary>Removes the run's directories, waiting (up to 5 s) for exited processes to leave; then the parents if empty.</summary>
    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (Directory.Exists(dir))
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(20);
                }
            }
        }

        foreach (var root in Roots)
        {
            try
            {
                Directory.Delete(root);
            }
            catch (IOException)
            {
                // Another run still has a cgroup under shadow-bench.
            }
        }
    }

    private static string Hierarchy(string mount, string controller, string file)
    {
        foreach (var candidate in new[] { controller, "cpu,cpuacct", "cpuacct,cpu" })
        {
            var dir = Path.Combine(mount, candidate);
            if (File.Exists(Path.Combine(dir, file)))
            {
                // cpu and cpuacct are often one hierarchy reached through symbolic links.
                return new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
            }
        }

        throw new InvalidOperationException($"no cgroup v1 '{controller}' hierarchy with {file} under {mount}, and no cgroup v2 with the cpu controller there");
    }

    private static void EnableCpu(string dir)
    {
        var control = Path.Combine(dir, "cgroup.subtree_control");
        if (!File.ReadAllText(control).Split(' ', '\n').Contains("cpu"))
        {
            File.WriteAllText(control, "+cpu");
        }
    }

    private static Dictionary<string, ulong> Keyed(string text)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                values[line[..space]] = v;
            }
        }

        return values;
    }
}
