using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Actuation;

/// <summary>Answers the aggregator's resize commands; the uplink calls it off its read loop.</summary>
internal interface ICommandHandler
{
    /// <summary>What the agent can resize, for Hello ("resize.cgroup1", "resize.cgroup2", "resize.libvirt"); empty when actuation is off.</summary>
    IReadOnlyList<string> Capabilities { get; }

    /// <summary>The command's result; never throws for a command it cannot apply.</summary>
    Task<CommandResult> HandleAsync(ResizeCommand command, CancellationToken cancellationToken);
}
