namespace ShadowAgent.Models.Autoencoder;

/// <summary>
/// C# references of the two int8 exports of an autoencoder, computed as the ONNX operators define them: the
/// weight-only form is the float model with each weight replaced by q × scale; the dynamic form quantizes each
/// layer's input row to uint8 as <c>DynamicQuantizeLinear</c> does (range widened to include 0, scale = range/255,
/// zero point and values rounded half to even, saturated), multiplies in integers as <c>MatMulInteger</c>, and
/// rescales in float.
/// </summary>
internal sealed class QuantizedAutoencoder
{
    private readonly Autoencoder _model;
    private readonly Int8Matrix[] _weights;

    public QuantizedAutoencoder(Autoencoder model)
    {
        _model = model;
        _weights = new Int8Matrix[model.Layers];
        for (var l = 0; l < model.Layers; l++)
        {
            _weights[l] = Int8Matrix.Quantize(model.Weights[l], model.Widths[l], model.Widths[l + 1]);
        }

        WeightOnly = new Autoencoder(model.Mean, model.Scale, [.. _weights.Select(w => w.Dequantize())], model.Biases, model.Widths);
    }

    /// <summary>The reference of <see cref="Training.ModelPrecision.Int8Weights"/>.</summary>
    public Autoencoder WeightOnly { get; }

    /// <summary>The reference of <see cref="Training.ModelPrecision.Int8Dynamic"/>.</summary>
    public float DynamicError(ReadOnlySpan<float> x)
    {
        var d = _model.Features;
        var z = new float[d];
        for (var i = 0; i < d; i++)
        {
            z[i] = (x[i] - _model.Mean[i]) / _model.Scale[i];
        }

        var a = z;
        for (var l = 0; l < _model.Layers; l++)
        {
            var w = _weights[l];
            var (q, scale, zeroPoint) = QuantizeRow(a);
            var next = new float[w.Columns];
            for (var j = 0; j < w.Columns; j++)
            {
                var sum = 0;
                for (var i = 0; i < w.Rows; i++)
                {
                    sum += (q[i] - zeroPoint) * w.Values[(i * w.Columns) + j];
                }

                var value = ((float)sum * (scale * w.Scales[j])) + _model.Biases[l][j];
                next[j] = Autoencoder.IsTanh(l) ? MathF.Tanh(value) : value;
            }

            a = next;
        }

        var total = 0f;
        for (var i = 0; i < d; i++)
        {
            var diff = a[i] - z[i];
            total += diff * diff;
        }

        return total / d;
    }

    private static (int[] Values, float Scale, int ZeroPoint) QuantizeRow(float[] row)
    {
        var min = Math.Min(0f, row.Min());
        var max = Math.Max(0f, row.Max());
        var scale = (max - min) / 255f;
        var values = new int[row.Length];
        if (scale == 0)
        {
            return (values, 0, 0);
        }

        var zeroPoint = (int)Math.Clamp(MathF.Round(-min / scale, MidpointRounding.ToEven), 0f, 255f);
        for (var i = 0; i < row.Length; i++)
        {
            values[i] = (int)Math.Clamp(MathF.Round(row[i] / scale, MidpointRounding.ToEven) + zeroPoint, 0f, 255f);
        }

        return (values, scale, zeroPoint);
    }
}
