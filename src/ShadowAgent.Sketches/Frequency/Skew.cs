namespace ShadowAgent.Sketches.Frequency;

/// <summary>
/// Skew of a key distribution from a <see cref="FrequentItemsSketch"/> and a distinct-count estimate (e.g. from HLL).
/// </summary>
/// <remarks>
/// Estimator. The "head" is what the sketch knows well: every tracked item with its exact count while the sketch
/// has never purged (MaximumError 0); afterwards only items whose lower bound exceeds the maximum error (DataSketches'
/// NoFalsePositives set), each counted at the midpoint of its bounds, lower + MaximumError/2, which is within
/// MaximumError/2 of the truth. The rest of the stream, N − Σ head, is the "tail", spread evenly over
/// max(D − head, 1) keys, D being the distinct-count estimate (no tail keys when the tail mass is 0).
/// All measures are then computed exactly on that modelled distribution. Because the tail is flattened, entropy
/// is biased up and the Gini coefficient down when the tail itself is skewed (e.g. Zipf); shares of the top keys
/// are as accurate as the sketch's bounds. Gini is the population form Σ|xᵢ − xⱼ| / (2 n² mean) (0 for one key).
/// </remarks>
public static class Skew
{
    /// <summary>Default k for <see cref="SkewMeasures.TopKShare"/>.</summary>
    public const int DefaultK = 10;

    /// <summary>Estimates the skew of the stream the sketch saw, which had about <paramref name="distinctCount"/> keys.</summary>
    public static SkewMeasures Measure(FrequentItemsSketch sketch, double distinctCount, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (double.IsNaN(distinctCount) || distinctCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(distinctCount), distinctCount, "A distinct count must be a non-negative number.");
        }

        double total = sketch.StreamLength;
        if (total <= 0)
        {
            return new SkewMeasures(k, 0, 0, 0, 0, 0, 0);
        }

        var head = Head(sketch);
        double headSum = 0;
        foreach (var count in head)
        {
            headSum += count;
        }

        var tailMass = Math.Max(0, total - headSum);
        var tailKeys = tailMass > 0 ? Math.Max(distinctCount - head.Length, 1) : 0;
        var tailCount = tailKeys > 0 ? tailMass / tailKeys : 0;
        var mass = headSum + tailMass; // = total unless the head estimates overshoot it

        return new SkewMeasures(
            k,
            TopShare(head, tailCount, tailKeys, 1, mass),
            TopShare(head, tailCount, tailKeys, k, mass),
            NormalizedEntropy(head, tailMass, tailKeys, mass),
            Gini(head, tailCount, tailKeys, mass),
            head.Length,
            tailKeys);
    }

    // Head counts, sorted descending.
    private static double[] Head(FrequentItemsSketch sketch)
    {
        var exact = sketch.MaximumError == 0;
        var rows = sketch.FrequentItems(exact ? ErrorType.NoFalseNegatives : ErrorType.NoFalsePositives);
        var head = new double[rows.Count];
        for (var i = 0; i < head.Length; i++)
        {
            head[i] = exact ? rows[i].LowerBound : rows[i].LowerBound + (sketch.MaximumError / 2.0);
        }

        Array.Sort(head, static (a, b) => b.CompareTo(a));
        return head;
    }

    private static double TopShare(double[] head, double tailCount, double tailKeys, int k, double mass)
    {
        double sum = 0;
        var left = (double)k;
        var tailLeft = tailKeys;
        var i = 0;
        while (left > 0 && (i < head.Length || tailLeft > 0))
        {
            if (i < head.Length && (tailLeft <= 0 || head[i] >= tailCount))
            {
                sum += head[i++];
                left--;
            }
            else
            {
                var take = Math.Min(left, tailLeft);
                sum += take * tailCount;
                tailLeft -= take;
                left -= take;
            }
        }

        return Math.Min(1, sum / mass);
    }

    private static double NormalizedEntropy(double[] head, double tailMass, double tailKeys, double mass)
    {
        var keys = head.Length + tailKeys;
        if (keys <= 1)
        {
            return 0;
        }

        double entropy = 0;
        foreach (var count in head)
        {
            var p = count / mass;
            entropy -= p * Math.Log(p);
        }

        if (tailMass > 0)
        {
            var share = tailMass / mass;
            entropy -= share * Math.Log(share / tailKeys);
        }

        return Math.Clamp(entropy / Math.Log(keys), 0, 1);
    }

    // Σ over ordered pairs |xᵢ − xⱼ| / (2 n Σx): head pairs from the sorted counts, head–tail pairs weighted by
    // the number of tail keys; tail–tail pairs are equal and add nothing.
    private static double Gini(double[] head, double tailCount, double tailKeys, double mass)
    {
        var keys = head.Length + tailKeys;
        if (keys <= 1)
        {
            return 0;
        }

        // head is descending: the i-th largest exceeds the h − 1 − i smaller ones.
        double pairs = 0;
        var h = head.Length;
        for (var i = 0; i < h; i++)
        {
            pairs += 2 * (h - 1 - (2 * i)) * head[i];
            pairs += 2 * tailKeys * Math.Abs(head[i] - tailCount);
        }

        return Math.Clamp(pairs / (2 * keys * mass), 0, 1);
    }
}
