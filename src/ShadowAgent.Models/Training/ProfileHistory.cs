namespace ShadowAgent.Models.Training;

/// <summary>
/// The most recent profile feature vectors, kept to train the next models from: a bounded ring of float32 rows
/// (the oldest is overwritten when full). Adding copies one row and allocates nothing; a snapshot copies the rows
/// out, oldest first, so training runs on its own copy while profiles keep arriving. Not thread-safe: the owner
/// adds and snapshots from one thread and hands the snapshot to the trainer.
/// </summary>
public sealed class ProfileHistory
{
    private readonly float[] _rows;
    private int _next;

    /// <param name="features">Values per row.</param>
    /// <param name="capacity">Rows kept.</param>
    public ProfileHistory(int features, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        Features = features;
        Capacity = capacity;
        _rows = new float[features * capacity];
    }

    public int Features { get; }

    public int Capacity { get; }

    /// <summary>Rows held (at most <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    /// <summary>Rows ever added.</summary>
    public long Total { get; private set; }

    /// <summary>Keeps one vector; every value must be finite (callers impute missing ones first).</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        if (values.Length != Features)
        {
            throw new ArgumentException($"Expected {Features} values; got {values.Length}.", nameof(values));
        }

        var row = _rows.AsSpan(_next * Features, Features);
        for (var i = 0; i < row.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"Value {i} is not finite.", nameof(values));
            }

            row[i] = (float)values[i];
        }

        _next = (_next + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
        Total++;
    }

    /// <summary>A copy of the rows held, oldest first.</summary>
    public FeatureMatrix Snapshot()
    {
        var copy = new float[Count * Features];
        var oldest = Count < Capacity ? 0 : _next;
        for (var r = 0; r < Count; r++)
        {
            _rows.AsSpan(((oldest + r) % Capacity) * Features, Features).CopyTo(copy.AsSpan(r * Features));
        }

        return new FeatureMatrix(copy, Features);
    }
}
