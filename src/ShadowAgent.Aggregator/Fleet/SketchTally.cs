namespace ShadowAgent.Aggregator.Fleet;

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
}
