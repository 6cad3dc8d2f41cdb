namespace ShadowAgent.Models.Autoencoder;

/// <summary>
/// A trained autoencoder and its float32 reference scorer. The vector is standardized with the training mean and
/// standard deviation, passed through four dense layers (tanh, linear, tanh, linear) and scored by the mean squared
/// difference between the standardized vector and its reconstruction — in the order the exported ONNX graph
/// computes it.
/// </summary>
internal sealed class Autoencoder
{
    /// <param name="mean">Per-feature training mean.</param>
    /// <param name="scale">Per-feature training standard deviation (1 where a feature was constant).</param>
    /// <param name="weights">Per layer, row-major [inputs, outputs].</param>
    /// <param name="biases">Per layer, [outputs].</param>
    /// <param name="widths">Layer widths, input first: d, hidden, code, hidden, d.</param>
    public Autoencoder(float[] mean, float[] scale, float[][] weights, float[][] biases, int[] widths)
    {
        Mean = mean;
        Scale = scale;
        Weights = weights;
        Biases = biases;
        Widths = widths;
        _maxWidth = widths.Max();
    }

    private readonly int _maxWidth;

    public float[] Mean { get; }

    public float[] Scale { get; }

    public float[][] Weights { get; }

    public float[][] Biases { get; }

    public int[] Widths { get; }

    public int Features => Widths[0];

    public int Layers => Weights.Length;

    /// <summary>Layers followed by tanh; the bottleneck and the output are linear.</summary>
    public static bool IsTanh(int layer) => layer % 2 == 0;

    /// <summary>Mean squared reconstruction error of one vector.</summary>
    public float Error(ReadOnlySpan<float> x)
    {
        Span<float> z = stackalloc float[Features];
        Span<float> a = stackalloc float[_maxWidth];
        Span<float> b = stackalloc float[_maxWidth];
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = (x[i] - Mean[i]) / Scale[i];
        }

        z.CopyTo(a);
        for (var l = 0; l < Layers; l++)
        {
            Dense(l, a[..Widths[l]], b[..Widths[l + 1]]);
            var next = b[..Widths[l + 1]];
            if (IsTanh(l))
            {
                for (var i = 0; i < next.Length; i++)
                {
                    next[i] = MathF.Tanh(next[i]);
                }
            }

            next.CopyTo(a);
        }

        var sum = 0f;
        for (var i = 0; i < z.Length; i++)
        {
            var d = a[i] - z[i];
            sum += d * d;
        }

        return sum / z.Length;
    }

    private void Dense(int layer, ReadOnlySpan<float> input, Span<float> output)
    {
        var w = Weights[layer];
        var width = output.Length;
        for (var j = 0; j < width; j++)
        {
            var sum = 0f;
            for (var i = 0; i < input.Length; i++)
            {
                sum += input[i] * w[(i * width) + j];
            }

            output[j] = sum + Biases[layer][j];
        }
    }
}
