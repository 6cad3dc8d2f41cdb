namespace ShadowAgent.Models.Autoencoder;

/// <summary>
/// A weight matrix [inputs, outputs] quantized to int8 symmetrically with one scale per output column (zero point
/// 0, range ±127): w ≈ q × scale, as ONNX's <c>DequantizeLinear</c> with <c>axis=1</c> reads it back. Per column
/// because columns of a small dense layer differ in magnitude by an order or more; one scale for the whole matrix
/// would leave the small ones with a few levels.
/// </summary>
internal sealed class Int8Matrix
{
    private Int8Matrix(sbyte[] values, float[] scales, int rows, int columns)
    {
        Values = values;
        Scales = scales;
        Rows = rows;
        Columns = columns;
    }

    public sbyte[] Values { get; }

    public float[] Scales { get; }

    public int Rows { get; }

    public int Columns { get; }

    public static Int8Matrix Quantize(float[] weights, int rows, int columns)
    {
        var scales = new float[columns];
        var values = new sbyte[weights.Length];
        for (var j = 0; j < columns; j++)
        {
            var max = 0f;
            for (var i = 0; i < rows; i++)
            {
                max = Math.Max(max, Math.Abs(weights[(i * columns) + j]));
            }

            scales[j] = max > 0 ? max / 127f : 1f;
            for (var i = 0; i < rows; i++)
            {
                var q = MathF.Round(weights[(i * columns) + j] / scales[j], MidpointRounding.ToEven);
                values[(i * columns) + j] = (sbyte)Math.Clamp(q, -127f, 127f);
            }
        }

        return new Int8Matrix(values, scales, rows, columns);
    }

    /// <summary>The float weights the int8 ones stand for: q × scale, DequantizeLinear's arithmetic.</summary>
    public float[] Dequantize()
    {
        var weights = new float[Values.Length];
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < Columns; j++)
            {
                weights[(i * Columns) + j] = Values[(i * Columns) + j] * Scales[j];
            }
        }

        return weights;
    }
}
