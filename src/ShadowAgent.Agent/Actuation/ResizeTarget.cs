using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// What a ResizeCommand names: "cgroup:&lt;path relative to an allowed root&gt;" (a leading '/' means the root:
/// "cgroup:/shadow/web" and "cgroup:shadow/web" are the same cgroup) or "vm:&lt;libvirt domain&gt;".
/// </summary>
internal readonly record struct ResizeTarget(ResizeTargetKind Kind, string Name)
{
    public const string VmPrefix = "vm:";

    public static bool TryParse(string target, out ResizeTarget parsed, out string why)
    {
        parsed = default;
        if (target.StartsWith(ProbeTargets.CgroupPrefix, StringComparison.Ordinal))
        {
            var path = ProbeTargets.CgroupPath(target);
            if (!ProbeTargets.IsSafeRelativePath(path, out why))
            {
                why = $"target '{target}': {why}";
                return false;
            }

            parsed = new ResizeTarget(ResizeTargetKind.Cgroup, path);
            return true;
        }

        if (target.StartsWith(VmPrefix, StringComparison.Ordinal) && target.Length > VmPrefix.Length && !target.Any(char.IsControl))
        {
            parsed = new ResizeTarget(ResizeTargetKind.Vm, target[VmPrefix.Length..]);
            why = "";
            return true;
        }

        why = $"target '{target}' is neither 'cgroup:<path>' nor 'vm:<domain>'";
        return false;
    }
}

internal enum ResizeTargetKind
{
    Cgroup,
    Vm,
}
