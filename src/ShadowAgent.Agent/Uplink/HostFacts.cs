using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Uplink;

/// <summary>What the agent tells the aggregator about itself and its host in Hello.</summary>
internal static class HostFacts
{
    public const uint ProtocolVersion = 1;

    public static readonly string[] Capabilities = ["profiles.v1", "models.onnx"];

    public static string AgentVersion { get; } =
        typeof(HostFacts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(HostFacts).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public static HostResources ReadResources(string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup") => new()
    {
        LogicalCpus = (uint)Environment.ProcessorCount,
        MemoryBytes = ReadMemTotal(Path.Combine(procRoot, "meminfo")),
        Os = OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription,
        Kernel = RuntimeInformation.OSDescription,
        Architecture = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        CgroupMode = CgroupMode(cgroupRoot),
    };

    /// <summary>"v2" when the unified hierarchy is mounted at the root, "hybrid" when it sits beside v1, else "v1" ("" without cgroups).</summary>
    public static string CgroupMode(string root)
    {
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
        {
            return "v2";
        }

        if (Directory.Exists(Path.Combine(root, "unified")))
        {
            return "hybrid";
        }

        return Directory.Exists(root) ? "v1" : "";
    }

    public static ulong ReadMemTotal(string meminfoPath)
    {
        try
        {
            foreach (var line in File.ReadLines(meminfoPath))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
