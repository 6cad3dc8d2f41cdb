using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>Decodes a sketch from its wire bytes; throws <see cref="FormatException"/> when they are not one.</summary>
internal delegate T SketchReader<T>(ReadOnlySpan<byte> bytes);

/// <summary>Counts the sketches a merge had to leave out, so the answer says how much of the input it covers.</summary>
internal sealed class SketchTally(Action<string>? onUndecodable)
{
    public const string Hll = "hll";
    public const string FrequentItems = "frequent_items";
    public const string DDSketch = "ddsketch";

    /// <summary>Sketch bytes that did not decode.</summary>
    public int Undecodable { get; private set; }

    /// <summary>Sketches that decoded but cannot merge with the others (a DDSketch with another index mapping).</summary>
    public int Incompatible { get; private set; }

    public void CountUndecodable(string kind)
    {
        Undecodable++;
        onUndecodable?.Invoke(kind);
    }

    public void CountIncompatible() => Incompatible++;

    /// <summary>Decodes a profile's sketch bytes; false when there are none, or when they do not decode (counted).</summary>
    public bool TryRead<T>(ByteString bytes, SketchReader<T> read, string kind, [NotNullWhen(true)] out T? sketch)
        where T : class
    {
        sketch = null;
        if (bytes.IsEmpty)
        {
            return false;
        }

        try
        {
            sketch = read(bytes.Span);
            return true;
        }
        catch (FormatException)
        {
            CountUndecodable(kind);
            return false;
        }
    }
}
