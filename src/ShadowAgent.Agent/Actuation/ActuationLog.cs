using Microsoft.Extensions.Logging;

namespace ShadowAgent.Agent.Actuation;

internal static partial class ActuationLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Resize {CommandId} received for {Target} (cpu_cores {CpuCores}, memory_bytes {MemoryBytes}, cpu_weight {CpuWeight}, dry run {DryRun}): {Reason}")]
    public static partial void Received(ILogger logger, string commandId, string target, string cpuCores, string memoryBytes, string cpuWeight, bool dryRun, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Resize {CommandId} of {Target}: {Status} in {ElapsedMs:F2} ms: {Message}; before {Before}; after {After}")]
    public static partial void Done(ILogger logger, string commandId, string target, string status, double elapsedMs, string message, string before, string after);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Resize {CommandId} of {Target}: {Status}: {Message}")]
    public static partial void NotApplied(ILogger logger, string commandId, string target, string status, string message);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Resize {CommandId} repeated: answered with its recorded result {Status}, nothing changed")]
    public static partial void Repeated(ILogger logger, string commandId, string status);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Actuation on (dry run {DryRun}): cgroup roots [{Roots}], libvirt '{LibvirtUri}' domains [{Domains}], capabilities [{Capabilities}]")]
    public static partial void Configured(ILogger logger, bool dryRun, string roots, string libvirtUri, string domains, string capabilities);
}
