namespace ShadowAgent.Detection.Offline;

/// <summary>One data row of a NAB-format series.</summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Timestamp">The parsed timestamp.</param>
/// <param name="TimestampText">The timestamp as written, echoed to the result file.</param>
/// <param name="Value">The parsed value.</param>
/// <param name="ValueText">The value as written, echoed to the result file.</param>
public readonly record struct NabRow(long Line, DateTime Timestamp, string TimestampText, double Value, string ValueText);
