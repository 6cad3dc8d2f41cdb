namespace ShadowAgent.Core.Profiles;

/// <summary>Count, min, max, sum and mean of one numeric field over a window. Mergeable.</summary>
public struct NumericSummary
{
    public long Count;
    public double Min;
    public double Max;
    public double Sum;
    public long Missing;
    public long NotNumeric;

    public static NumericSummary Empty => new() { Min = double.PositiveInfinity, Max = double.NegativeInfinity };

    public readonly double Mean => Count > 0 ? Sum / Count : 0;

    public void Add(double value)
    {
        Count++;
        Sum += value;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    public void Merge(in NumericSummary other)
    {
        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Missing += other.Missing;
        NotNumeric += other.NotNumeric;
    }
}
