using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// Resizes running VMs through libvirt: memory with virDomainSetMemoryFlags and vCPUs with
/// virDomainSetVcpusFlags, both on the live domain, before and after read with virDomainGetInfo. Memory is
/// changed first; when the vCPU change then fails the memory goes back and the result is ROLLED_BACK. One
/// connection lives as long as the actuator (libvirt's test driver keeps its state per connection).
/// Only domains listed in Agent:Actuation:Libvirt:Domains are touched.
/// </summary>
internal sealed class LibvirtActuator : IResizeActuator
{
    private readonly LibvirtOptions _options;
    private readonly Lock _gate = new();
    private nint _connection;

    public LibvirtActuator(LibvirtOptions options)
    {
        _options = options;
    }

    public ResizeTargetKind Kind => ResizeTargetKind.Vm;

    public IReadOnlyList<string> Capabilities { get; } = ["resize.libvirt"];

    public CommandResult Apply(ResizeCommand command, ResizeTarget target, bool dryRun)
    {
        var id = command.CommandId;
        if (!_options.Domains.Contains(target.Name, StringComparer.Ordinal))
        {
            return Results.Rejected(id, $"domain '{target.Name}' is not in Agent:Actuation:Libvirt:Domains");
        }

        if (command.HasCpuWeight || command.HasIoMax)
        {
            return Results.Rejected(id, "cpu_weight and io_max apply to cgroups; a VM takes cpu_cores and memory_bytes");
        }

        lock (_gate)
        {
            try
            {
                return ApplyLocked(command, target.Name, dryRun);
            }
            catch (DllNotFoundException ex)
            {
                return Results.Make(id, Status.Failed, $"libvirt is not installed on this host (libvirt.so.0): {ex.Message}");
            }
        }
    }

    private CommandResult ApplyLocked(ResizeCommand command, string name, bool dryRun)
    {
        var id = command.CommandId;
        if (_connection == 0)
        {
            _connection = LibvirtNative.ConnectOpen(_options.Uri);
            if (_connection == 0)
            {
                return Results.Make(id, Status.Failed, $"virConnectOpen('{_options.Uri}') failed: {LibvirtNative.LastError()}");
            }
        }

        var domain = LibvirtNative.DomainLookupByName(_connection, name);
        if (domain == 0)
        {
            return Results.Make(id, Status.Failed, $"virDomainLookupByName('{name}') failed: {LibvirtNative.LastError()}");
        }

        try
        {
            if (!TryReadState(domain, out var before, out var info, out var error))
            {
                return Results.Make(id, Status.Failed, error);
            }

            var vcpus = command.HasCpuCores ? (uint)Math.Max(1, Math.Ceiling(command.CpuCores - 1e-9)) : info.NrVirtCpu;
            var memoryKiB = command.HasMemoryBytes ? (nuint)((command.MemoryBytes + 1023) / 1024) : info.MemoryKiB;
            if (dryRun)
            {
                var wouldBe = new Dictionary<string, string>(before)
                {
                    [Results.CpuCores] = Results.Num((ulong)vcpus),
                    ["vcpus"] = Results.Num((ulong)vcpus),
                    [Results.MemoryBytes] = Results.Num((ulong)memoryKiB * 1024),
                    ["memory_kib"] = Results.Num((ulong)memoryKiB),
                };
                return Results.Make(id, Status.DryRun, $"dry run: would set {Describe(command, vcpus, memoryKiB)}", before, wouldBe);
            }

            var memoryChanged = false;
            if (command.HasMemoryBytes && memoryKiB != info.MemoryKiB)
            {
                if (LibvirtNative.DomainSetMemoryFlags(domain, memoryKiB, LibvirtNative.AffectLive) != 0)
                {
                    return Results.Make(id, Status.Failed, $"virDomainSetMemoryFlags({memoryKiB} KiB) failed: {LibvirtNative.LastError()}", before, ReadOrError(domain));
                }

                memoryChanged = true;
            }

            if (command.HasCpuCores && vcpus != info.NrVirtCpu && LibvirtNative.DomainSetVcpusFlags(domain, vcpus, LibvirtNative.AffectLive) != 0)
            {
                var error2 = $"virDomainSetVcpusFlags({vcpus}) failed: {LibvirtNative.LastError()}";
                if (!memoryChanged)
                {
                    return Results.Make(id, Status.Failed, error2, before, ReadOrError(domain));
                }

                if (LibvirtNative.DomainSetMemoryFlags(domain, info.MemoryKiB, LibvirtNative.AffectLive) != 0)
                {
                    return Results.Make(id, Status.Failed, $"{error2}; restoring memory to {info.MemoryKiB} KiB failed too: {LibvirtNative.LastError()}", before, ReadOrError(domain));
                }

                return Results.Make(id, Status.RolledBack, $"{error2}; memory restored to {info.MemoryKiB} KiB", before, ReadOrError(domain));
            }

            return Results.Make(id, Status.Applied, $"set {Describe(command, vcpus, memoryKiB)}", before, ReadOrError(domain));
        }
        finally
        {
            // virDomainFree fails only for an invalid pointer; nothing to do about it here.
            _ = LibvirtNative.DomainFree(domain);
        }
    }

    private static string Describe(ResizeCommand c, uint vcpus, nuint memoryKiB) =>
        string.Join(", ", new[] { c.HasCpuCores ? $"vcpus = {vcpus}" : null, c.HasMemoryBytes ? $"memory = {memoryKiB} KiB" : null }.OfType<string>());

    private static bool TryReadState(nint domain, out Dictionary<string, string> state, out LibvirtNative.DomainInfo info, out string error)
    {
        state = [];
        error = "";
        if (LibvirtNative.DomainGetInfo(domain, out info) != 0)
        {
            error = $"virDomainGetInfo failed: {LibvirtNative.LastError()}";
            return false;
        }

        var maxVcpus = LibvirtNative.DomainGetVcpusFlags(domain, LibvirtNative.VcpuMaximum);
        var maxMemory = LibvirtNative.DomainGetMaxMemory(domain);
        state[Results.CpuCores] = Results.Num((ulong)info.NrVirtCpu);
        state[Results.MemoryBytes] = Results.Num((ulong)info.MemoryKiB * 1024);
        state["vcpus"] = Results.Num((ulong)info.NrVirtCpu);
        state["memory_kib"] = Results.Num((ulong)info.MemoryKiB);
        state["max_memory_kib"] = Results.Num((ulong)maxMemory);
        if (maxVcpus > 0)
        {
            state["max_vcpus"] = Results.Num((long)maxVcpus);
        }

        return true;
    }

    private static Dictionary<string, string> ReadOrError(nint domain) =>
        TryReadState(domain, out var state, out _, out var error) ? state : new Dictionary<string, string> { ["error"] = error };

    public void Dispose()
    {
        lock (_gate)
        {
            if (_connection != 0)
            {
                _ = LibvirtNative.ConnectClose(_connection);
                _connection = 0;
            }
        }
    }
}
