using System.Globalization;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// The demo's checkout cgroup, <c>shadow-demo/checkout</c>, made for real under this machine's hierarchy: on cgroup
/// v2 one directory with the cpu and memory controllers enabled on the way down; on v1 the same relative path under
/// each of the cpu, cpuacct and memory hierarchies (mounted apart or together). <see cref="Roots"/> are the
/// hierarchy roots the agent's probe and actuation resolve <c>cgroup:shadow-demo/checkout</c> under. Needs root;
/// <see cref="Dispose"/> removes the directories (the worker must have exited) and <c>shadow-demo</c> when empty.
/// </summary>
internal sealed class DemoCgroup : IDisposable
{
    public const string Parent = "shadow-demo";
    public const string Name = Parent + "/checkout";
    private const int PeriodUs = 100_000;

    /// <summary>
    /// shadow-demo's CPU weight (v1 cpu.shares; v2 cpu.weight = shares × 100 / 1024): ten times a default group's,
    /// so on a machine busy with other work the worker still gets the CPU its limit allows, as a production service
    /// would, and the limit — what the orchestrator changes — is what bounds it.
    /// </summary>
    private const int Shares = 10_240;

    private readonly string _cpuDir;

    private DemoCgroup(bool v2, IReadOnlyList<string> roots, string cpuRoot)
    {
        IsV2 = v2;
        Roots = roots;
        Directories = [.. roots.Select(r => Path.Combine(r, Name))];
        _cpuDir = Path.Combine(cpuRoot, Name);
    }

    public bool IsV2 { get; }

    /// <summary>The hierarchy roots (what <c>Agent:Actuation:CgroupRoots</c> and the probe's roots list).</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The checkout directory in each hierarchy.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>Creates the cgroup under <paramref name="mount"/>, detecting v2 (cgroup.controllers at the mount) or v1.</summary>
    public static DemoCgroup Create(string mount = "/sys/fs/cgroup")
    {
        DemoCgroup cgroup;
        var controllers = Path.Combine(mount, "cgroup.controllers");
        if (File.Exists(controllers))
        {
            var available = File.ReadAllText(controllers).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries);
            if (!available.Contains("cpu"))
            {
                throw new IOException($"cgroup v2 at {mount} has no cpu controller ({controllers}: {string.Join(' ', available)})");
            }

            cgroup = new DemoCgroup(true, [mount], mount);
            Enable(mount, available);
            Directory.CreateDirectory(Path.Combine(mount, Parent));
            Enable(Path.Combine(mount, Parent), available);
            File.WriteAllText(Path.Combine(mount, Parent, "cpu.weight"), (Shares * 100 / 1024).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            var cpu = Hierarchy(mount, "cpu.cfs_quota_us", "cpu", "cpu,cpuacct", "cpuacct,cpu");
            var roots = new List<string> { cpu };
            foreach (var other in new[]
            {
                Hierarchy(mount, "cpuacct.usage", "cpuacct", "cpu,cpuacct", "cpuacct,cpu"),
                Hierarchy(mount, "memory.limit_in_bytes", "memory"),
            })
            {
                if (!roots.Contains(other, StringComparer.Ordinal))
                {
                    roots.Add(other);
                }
            }

            cgroup = new DemoCgroup(false, roots, cpu);
            Directory.CreateDirectory(Path.Combine(cpu, Parent));
            File.WriteAllText(Path.Combine(cpu, Parent, "cpu.shares"), Shares.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var dir in cgroup.Directories)
        {
            Directory.CreateDirectory(dir);
        }

        return cgroup;
    }

    /// <summary>Moves the process (every thread) into the cgroup in every hierarchy.</summary>
    public void Add(int pid)
    {
        foreach (var dir in Directories)
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Sets the CPU limit in cores against a 100 ms period.</summary>
    public void SetCpuLimit(double cores)
    {
        var quota = Math.Max(1000, (long)Math.Round(cores * PeriodUs));
        if (IsV2)
        {
            File.WriteAllText(Path.Combine(_cpuDir, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{quota} {PeriodUs}"));
            return;
        }

        File.WriteAllText(Path.Combine(_cpuDir, "cpu.cfs_period_us"), PeriodUs.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(_cpuDir, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Removes the checkout directories (waiting up to 5 s for exited processes to leave), then shadow-demo if empty.</summary>
    public void Dispose()
    {
        foreach (var dir in Directories)
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
                catch (IOException)
                {
                    break;
                }
            }

            try
            {
                Directory.Delete(Path.GetDirectoryName(dir)!);
            }
            catch (IOException)
            {
                // Another demo still has a cgroup under shadow-demo.
            }
        }
    }

    private static string Hierarchy(string mount, string file, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            var dir = Path.Combine(mount, candidate);
            if (File.Exists(Path.Combine(dir, file)))
            {
                // cpu and cpuacct are often one hierarchy reached through symbolic links.
                return new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
            }
        }

        throw new IOException($"no cgroup v2 at {mount} and no v1 hierarchy with {file} under it ({string.Join(", ", candidates)})");
    }

    private static void Enable(string dir, string[] available)
    {
        var control = Path.Combine(dir, "cgroup.subtree_control");
        var enabled = File.ReadAllText(control).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var controller in new[] { "cpu", "memory" })
        {
            if (available.Contains(controller) && !enabled.Contains(controller))
            {
                File.WriteAllText(control, "+" + controller);
            }
        }
    }
}
