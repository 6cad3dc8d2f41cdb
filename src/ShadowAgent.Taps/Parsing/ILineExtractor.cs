using ShadowAgent.Core.Records;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Reads the configured fields of one framed line: NDJSON for sockets and files, a regular expression's groups for
/// plain-text files. <see cref="NdJsonLineParser"/> frames the lines and calls it once per line.
/// </summary>
internal interface ILineExtractor
{
    /// <summary>Extracts the fields of one line (without its '\n'; a trailing '\r' is allowed).</summary>
    bool TryExtract(ReadOnlySpan<byte> line, out RecordError error);

    /// <summary>The fields of the line last extracted successfully.</summary>
    RecordView View(int bytes);
}
