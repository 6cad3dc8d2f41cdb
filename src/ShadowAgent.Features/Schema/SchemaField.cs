using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Schema;

/// <summary>
/// One field path of a <see cref="SchemaSnapshot"/>: its hash (the identity; equal across hosts), its display
/// text, the union of the types it had and the number of records that carried it.
/// </summary>
public readonly record struct SchemaField(ulong PathHash, string Path, JsonTypes Types, long Records);
