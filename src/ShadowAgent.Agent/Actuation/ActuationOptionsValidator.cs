namespace ShadowAgent.Agent.Actuation;

/// <summary>Checks "Agent:Actuation"; each message names its key.</summary>
internal static class ActuationOptionsValidator
{
    private const string Key = "Agent:Actuation";

    public static void Validate(ActuationOptions a, List<string> errors)
    {
        for (var i = 0; i < a.CgroupRoots.Count; i++)
        {
            var root = a.CgroupRoots[i];
            if (!Path.IsPathFullyQualified(root) || Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) == "/")
            {
                errors.Add($"{Key}:CgroupRoots:{i}: '{root}' is not an absolute directory below '/'.");
            }
        }

        if (!(a.MinCpuCores > 0) || !(a.MaxCpuCores >= a.MinCpuCores) || a.MaxCpuCores > 4096)
        {
            errors.Add($"{Key}:MinCpuCores/MaxCpuCores: {a.MinCpuCores} to {a.MaxCpuCores} must satisfy 0 < MinCpuCores <= MaxCpuCores <= 4096.");
        }

        if (a.MinMemoryBytes < 4096 || a.MaxMemoryBytes < a.MinMemoryBytes)
        {
            errors.Add($"{Key}:MinMemoryBytes/MaxMemoryBytes: {a.MinMemoryBytes} to {a.MaxMemoryBytes} must satisfy 4096 <= MinMemoryBytes <= MaxMemoryBytes.");
        }

        if (a.MinCpuWeight < 1 || a.MaxCpuWeight > 10_000 || a.MaxCpuWeight < a.MinCpuWeight)
        {
            errors.Add($"{Key}:MinCpuWeight/MaxCpuWeight: {a.MinCpuWeight} to {a.MaxCpuWeight} must lie within 1 to 10000, min first.");
        }

        if (a.MaxCommandsPerMinute is < 1 or > 100_000)
        {
            errors.Add($"{Key}:MaxCommandsPerMinute: {a.MaxCommandsPerMinute} is outside 1 to 100000.");
        }

        if (a.RecentCommands is < 1 or > 1_000_000)
        {
            errors.Add($"{Key}:RecentCommands: {a.RecentCommands} is outside 1 to 1000000.");
        }

        if (a.Libvirt.Uri.Length > 0 && !Uri.TryCreate(a.Libvirt.Uri, UriKind.Absolute, out _))
        {
            errors.Add($"{Key}:Libvirt:Uri: '{a.Libvirt.Uri}' is not a libvirt URI (for example qemu:///system or test:///default).");
        }

        if (a.Libvirt.Uri.Length == 0 && a.Libvirt.Domains.Count > 0)
        {
            errors.Add($"{Key}:Libvirt:Domains: domains are listed but Libvirt:Uri is empty.");
        }

        if (a.Enabled && a.CgroupRoots.Count == 0 && a.Libvirt.Uri.Length == 0)
        {
            errors.Add($"{Key}:Enabled: actuation is on but neither CgroupRoots nor Libvirt:Uri is configured.");
        }
    }
}
