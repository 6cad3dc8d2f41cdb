using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Actuation;

/// <summary>Applies resize commands to one kind of target. Calls are serialized by the command handler.</summary>
internal interface IResizeActuator : IDisposable
{
    ResizeTargetKind Kind { get; }

    /// <summary>What the agent advertises in Hello ("resize.cgroup1", "resize.cgroup2", "resize.libvirt").</summary>
    IReadOnlyList<string> Capabilities { get; }

    /// <summary>
    /// Applies the command (bounds already checked) or, with <paramref name="dryRun"/>, only reads the before
    /// values and computes the would-be after. Never throws for a refused change: the result says what happened.
    /// </summary>
    CommandResult Apply(ResizeCommand command, ResizeTarget target, bool dryRun);
}
