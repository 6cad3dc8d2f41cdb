namespace ShadowAgent.Core.Streams;

/// <summary>How a record's event-time field is written.</summary>
public enum EventTimeFormat
{
    /// <summary>
    /// A date-time string is read as RFC 3339; a number (or a quoted number) is an epoch value whose unit is
    /// chosen by its magnitude: below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, else
    /// nanoseconds. Each unit then covers 1973-03-03 to 5138-11-16; seconds also cover 1970 to 1973.
    /// </summary>
    Auto = 0,

    /// <summary>RFC 3339 / ISO 8601 extended date-time string with a 'Z' or numeric offset.</summary>
    Rfc3339 = 1,

    /// <summary>Seconds since the Unix epoch, integer or decimal.</summary>
    UnixSeconds = 2,

    /// <summary>Milliseconds since the Unix epoch, integer or decimal.</summary>
    UnixMilliseconds = 3,

    /// <summary>Microseconds since the Unix epoch, integer or decimal.</summary>
    UnixMicroseconds = 4,

    /// <summary>Nanoseconds since the Unix epoch, integer or decimal.</summary>
    UnixNanoseconds = 5,
}
