namespace ShadowAgent.Models.Training;

/// <summary>Rows of feature vectors (one row per profile, one column per feature), row-major float32: what the
/// models are trained on and what they score.</summary>
public sealed class FeatureMatrix
{
    private readonly float[] _values;

    /// <param name="values">Row-major values; its length must be a multiple of <paramref name="columns"/>.</param>
    /// <param name="columns">Features per row.</param>
    public FeatureMatrix(float[] values, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (values.Length % columns != 0)
        {
            throw new ArgumentException($"{values.Length} values do not make rows of {columns}.", nameof(values));
        }

        _values = values;
        Columns = columns;
        Rows = values.Length / columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    public ReadOnlySpan<float> this[int row] => _values.AsSpan(row * Columns, Columns);

    /// <summary>A matrix from double rows (as profiles carry them), each converted to float32.</summary>
    public static FeatureMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is needed.", nameof(rows));
        }

        var columns = rows[0].Length;
        var values = new float[rows.Count * columns];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != columns)
            {
                throw new ArgumentException($"Row {r} has {rows[r].Length} values; row 0 has {columns}.", nameof(rows));
            }

            for (var c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = (float)rows[r][c];
            }
        }

        return new FeatureMatrix(values, columns);
    }
}
