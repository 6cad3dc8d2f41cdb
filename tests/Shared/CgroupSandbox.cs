using System.Diagnostics;
using System.Globalization;

namespace ShadowAgent.Testing;

/// <summary>
/// A real cgroup for a test: one uniquely named directory under each of the given hierarchy roots (v1
/// controllers such as /sys/fs/cgroup/cpu, or the unified v2 root), child processes moved into it, and
/// everything removed in <see cref="Dispose"/> (children killed and reaped first, then the directories). Needs
/// root: without it the constructor fails the test with a message saying so (CI runs as root).
/// </summary>
internal sealed class CgroupSandbox : IDisposable
{
    private readonly List<Process> _children = [];

    public CgroupSandbox(params string[] roots)
    {
        RequireRoot();
        Name = $"shadow-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        Roots = roots;
        Directories = [.. roots.Select(r => Path.Combine(r, Name))];
        foreach (var dir in Directories)
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>The sandbox's path relative to each root (what a "cgroup:..." target names).</summary>
    public string Name { get; }

    public IReadOnlyList<string> Roots { get; }

    public IReadOnlyList<string> Directories { get; }

    public string Dir(string root) => Path.Combine(root, Name);

    public static void RequireRoot()
    {
        // The "Uid:" line of /proc/self/status: real, effective, saved, filesystem; the effective one decides.
        var uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2];
        if (uid != "0")
        {
            Assert.Fail("This test changes real cgroups and must run as root (CI runs `./shadowagent test` as root); run the tests with sudo.");
        }
    }

    /// <summary>Starts <c>sh -c script</c> and moves it into every directory of the sandbox before it does any work.</summary>
    public Process Spawn(string script)
    {
        // The child waits for a line on stdin before running the script, so it is inside the cgroup from its first busy cycle.
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "read go; " + script])
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("sh did not start");
        _children.Add(p);
        foreach (var dir in Directories)
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), p.Id.ToString(CultureInfo.InvariantCulture));
        }

        p.StandardInput.WriteLine("go");
        p.StandardInput.Flush();
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _children)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }

                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            p.Dispose();
        }

        foreach (var dir in Directories)
        {
            // rmdir succeeds once the last task has left; a killed child's exit may take a moment to be reflected.
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
    }
}
