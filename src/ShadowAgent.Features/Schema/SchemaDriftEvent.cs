using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Schema;

/// <summary>
/// One change of a stream's schema between its baseline and a window. Old values are the baseline's
/// (<see cref="JsonTypes.None"/> and 0 for an appeared field), new values the window's
/// (<see cref="JsonTypes.None"/> and 0 for a disappeared field).
/// </summary>
public readonly record struct SchemaDriftEvent(
    SchemaDriftKind Kind,
    ulong PathHash,
    string Path,
    JsonTypes OldTypes,
    JsonTypes NewTypes,
    double OldShare,
    double NewShare);
