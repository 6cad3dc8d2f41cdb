namespace ShadowAgent.Core.Records;

/// <summary>Why a received record was not parsed. Each is counted separately in the profile.</summary>
public enum RecordError
{
    /// <summary>Not well-formed (for NDJSON: not one complete JSON value).</summary>
    Malformed = 0,

    /// <summary>Contains bytes that are not valid UTF-8.</summary>
    InvalidUtf8 = 1,

    /// <summary>Longer than the tap's line limit; skipped without being buffered whole.</summary>
    Oversize = 2,
}
