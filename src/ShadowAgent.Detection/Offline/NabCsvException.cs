namespace ShadowAgent.Detection.Offline;

/// <summary>A NAB-format CSV line that cannot be read; the message names the source and the line.</summary>
public sealed class NabCsvException : Exception
{
    public NabCsvException(string source, long line, string problem)
        : base($"{source}:{line}: {problem}")
    {
        Line = line;
    }

    public NabCsvException()
    {
    }

    public NabCsvException(string message)
        : base(message)
    {
    }

    public NabCsvException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>1-based line number of the bad line.</summary>
    public long Line { get; }
}
