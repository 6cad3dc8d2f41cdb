namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>GET /api/v1/mirror-shares: the share changes, newest first.</summary>
internal sealed record MirrorShareList(List<MirrorShareInfo> Changes);

/// <param name="Applied">The agent's answer: null until it arrives.</param>
/// <param name="ShareInForce">The share the agent reports in force after the command.</param>
internal sealed record MirrorShareInfo(
    string CommandId, string Target, string HostId, string Stream, long WindowEndMs, long DecidedMs, string Direction,
    double? FromShare, double? ToShare, string Reason, bool Sent, bool? Applied, double? ShareInForce, string? Message, long? ResultMs);
