namespace ShadowAgent.Taps.Probes;

/// <summary>
/// The directories one cgroup has under the configured roots. On a v2 (unified) host that is one directory; on
/// a v1 or hybrid host the same relative path exists once per controller hierarchy (cpu, cpuacct, memory, and
/// the unified one for pressure), and each file is read where it lives. A directory is v2 when it holds
/// cgroup.controllers.
/// </summary>
public static class CgroupPaths
{
    /// <summary>The standard mounts: /sys/fs/cgroup when it is unified, else the v1 hierarchies the probes and actuators use.</summary>
    public static IReadOnlyList<string> DefaultRoots(string mountPoint = "/sys/fs/cgroup")
    {
        if (File.Exists(Path.Combine(mountPoint, "cgroup.controllers")))
        {
            return [mountPoint];
        }

        return
        [
            Path.Combine(mountPoint, "cpu"),
            Path.Combine(mountPoint, "cpuacct"),
            Path.Combine(mountPoint, "memory"),
            Path.Combine(mountPoint, "unified"),
        ];
    }

    /// <summary>
    /// The existing directories of <paramref name="relativePath"/> under <paramref name="roots"/>. The path must be
    /// relative without "." or ".." segments and each result must still lie under its root once made absolute;
    /// cgroupfs has no symbolic links, so nothing else can lead outside.
    /// </summary>
    public static List<string> Resolve(IReadOnlyList<string> roots, string relativePath)
    {
        var dirs = new List<string>();
        if (!Core.Streams.ProbeTargets.IsSafeRelativePath(relativePath, out _))
        {
            return dirs;
        }

        foreach (var root in roots)
        {
            var full = Path.GetFullPath(Path.Combine(root, relativePath));
            var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            if (!full.StartsWith(rootFull + "/", StringComparison.Ordinal) || !Directory.Exists(full) || dirs.Contains(full))
            {
                continue;
            }

            dirs.Add(full);
        }

        return dirs;
    }

    public static bool IsV2(string dir) => File.Exists(Path.Combine(dir, "cgroup.controllers"));

    /// <summary>The first directory holding <paramref name="file"/> with the wanted version, or null.</summary>
    public static string? Find(IReadOnlyList<string> dirs, string file, bool v2)
    {
        foreach (var dir in dirs)
        {
            var path = Path.Combine(dir, file);
            if (IsV2(dir) == v2 && File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
