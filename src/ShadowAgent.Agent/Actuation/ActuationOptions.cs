namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// "Agent:Actuation": whether and within which limits the agent applies resize commands on its own host. Off
/// by default; when on, only cgroups under <see cref="CgroupRoots"/> and the libvirt domains listed are ever
/// touched, and only to values inside the bounds.
/// </summary>
public sealed class ActuationOptions
{
    public bool Enabled { get; set; }

    /// <summary>Every command is answered DRY_RUN with its before and would-be after values; nothing is written.</summary>
    public bool DryRun { get; set; }

    /// <summary>Absolute cgroup directories a "cgroup:path" target is resolved under (v2 or v1, detected per directory).</summary>
    public List<string> CgroupRoots { get; set; } = [];

    public double MinCpuCores { get; set; } = 0.1;

    public double MaxCpuCores { get; set; } = Environment.ProcessorCount;

    public long MinMemoryBytes { get; set; } = 64L * 1024 * 1024;

    public long MaxMemoryBytes { get; set; } = 1L << 40;

    /// <summary>cgroup v2 weight bounds (1-10000; 100 is the default share); v1 cpu.shares is the weight × 1024 / 100.</summary>
    public int MinCpuWeight { get; set; } = 1;

    public int MaxCpuWeight { get; set; } = 10_000;

    /// <summary>Commands applied (or dry-run) per rolling minute; more are rejected and may be sent again later.</summary>
    public int MaxCommandsPerMinute { get; set; } = 60;

    /// <summary>Command ids whose results are remembered, so a repeated id is answered without a second change.</summary>
    public int RecentCommands { get; set; } = 1024;

    public LibvirtOptions Libvirt { get; set; } = new();
}

/// <summary>VM resizing through libvirt on a hypervisor host.</summary>
public sealed class LibvirtOptions
{
    /// <summary>Connection URI, for example "qemu:///system" or "test:///default"; empty: no VM resizing.</summary>
    public string Uri { get; set; } = "";

    /// <summary>Domains a "vm:name" target may name; no other domain is touched.</summary>
    public List<string> Domains { get; set; } = [];
}
