using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Autoencoder;

/// <summary>
/// Trains the autoencoder on standardized rows: mean squared reconstruction error, gradients by hand-written
/// backpropagation, Adam (Kingma and Ba 2015) over shuffled mini-batches, Xavier-uniform initial weights. Arithmetic
/// in double; the result is stored in float32. Seeded: the same rows and options train the same weights.
/// </summary>
internal static class AutoencoderTrainer
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    public static Autoencoder Train(FeatureMatrix data, AutoencoderOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Code, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        if (data.Rows < 2)
        {
            throw new ArgumentException("An autoencoder needs at least two rows.", nameof(data));
        }

        var d = data.Columns;
        var (mean, scale) = Standardization(data);
        var rows = new double[data.Rows][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[d];
            for (var c = 0; c < d; c++)
            {
                rows[r][c] = (data[r][c] - mean[c]) / scale[c];
            }
        }

        int[] widths = [d, options.Hidden, options.Code, options.Hidden, d];
        var layers = widths.Length - 1;
        var random = new Random(options.Seed);
        var w = new double[layers][];
        var b = new double[layers][];
        for (var l = 0; l < layers; l++)
        {
            var limit = Math.Sqrt(6.0 / (widths[l] + widths[l + 1]));
            w[l] = new double[widths[l] * widths[l + 1]];
            for (var i = 0; i < w[l].Length; i++)
            {
                w[l][i] = ((2 * random.NextDouble()) - 1) * limit;
            }

            b[l] = new double[widths[l + 1]];
        }

        var adamW = new Adam(w);
        var adamB = new Adam(b);
        var gw = w.Select(a => new double[a.Length]).ToArray();
        var gb = b.Select(a => new double[a.Length]).ToArray();
        var act = widths.Select(n => new double[n]).ToArray();
        var delta = widths.Select(n => new double[n]).ToArray();
        var order = Enumerable.Range(0, rows.Length).ToArray();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                var end = Math.Min(start + options.BatchSize, order.Length);
                foreach (var g in gw)
                {
                    Array.Clear(g);
                }

                foreach (var g in gb)
                {
                    Array.Clear(g);
                }

                for (var k = start; k < end; k++)
                {
                    Backpropagate(rows[order[k]], w, b, widths, act, delta, gw, gb, 1.0 / (end - start));
                }

                adamW.Step(w, gw, options.LearningRate);
                adamB.Step(b, gb, options.LearningRate);
            }
        }

        return new Autoencoder(
            mean.Select(v => (float)v).ToArray(),
            scale.Select(v => (float)v).ToArray(),
            w.Select(a => a.Select(v => (float)v).ToArray()).ToArray(),
            b.Select(a => a.Select(v => (float)v).ToArray()).ToArray(),
            widths);
    }

    /// <summary>Per-feature mean and standard deviation; a constant feature gets scale 1 so it standardizes to 0.</summary>
    private static (double[] Mean, double[] Scale) Standardization(FeatureMatrix data)
    {
        var mean = new double[data.Columns];
        var scale = new double[data.Columns];
        for (var r = 0; r < data.Rows; r++)
        {
            for (var c = 0; c < data.Columns; c++)
            {
                mean[c] += data[r][c];
            }
        }

        for (var c = 0; c < data.Columns; c++)
        {
            mean[c] /= data.Rows;
        }

        for (var r = 0; r < data.Rows; r++)
        {
            for (var c = 0; c < data.Columns; c++)
            {
                var dev = data[r][c] - mean[c];
                scale[c] += dev * dev;
            }
        }

        for (var c = 0; c < data.Columns; c++)
        {
            var sd = Math.Sqrt(scale[c] / data.Rows);
            scale[c] = sd > 1e-6 * Math.Max(1, Math.Abs(mean[c])) ? sd : 1;
        }

        return (mean, scale);
    }

    /// <summary>Forward pass on one row, then the loss gradient (scaled by <paramref name="weight"/>) added into
    /// <paramref name="gw"/> and <paramref name="gb"/>.</summary>
    private static void Backpropagate(double[] z, double[][] w, double[][] b, int[] widths, double[][] act, double[][] delta,
        double[][] gw, double[][] gb, double weight)
    {
        var layers = w.Length;
        z.CopyTo(act[0], 0);
        for (var l = 0; l < layers; l++)
        {
            var input = act[l];
            var output = act[l + 1];
            var width = widths[l + 1];
            for (var j = 0; j < width; j++)
            {
                var sum = b[l][j];
                for (var i = 0; i < input.Length; i++)
                {
                    sum += input[i] * w[l][(i * width) + j];
                }

                output[j] = Autoencoder.IsTanh(l) ? Math.Tanh(sum) : sum;
            }
        }

        // d(mean squared error)/d(reconstruction); the output layer is linear.
        var d = z.Length;
        for (var i = 0; i < d; i++)
        {
            delta[layers][i] = 2 * (act[layers][i] - z[i]) / d * weight;
        }

        for (var l = layers - 1; l >= 0; l--)
        {
            var width = widths[l + 1];
            var output = delta[l + 1];
            if (Autoencoder.IsTanh(l))
            {
                for (var j = 0; j < width; j++)
                {
                    output[j] *= 1 - (act[l + 1][j] * act[l + 1][j]);
                }
            }

            var input = act[l];
            for (var i = 0; i < input.Length; i++)
            {
                var back = 0.0;
                for (var j = 0; j < width; j++)
                {
                    gw[l][(i * width) + j] += input[i] * output[j];
                    back += w[l][(i * width) + j] * output[j];
                }

                delta[l][i] = back;
            }

            for (var j = 0; j < width; j++)
            {
                gb[l][j] += output[j];
            }
        }
    }

    private sealed class Adam(double[][] parameters)
    {
        private readonly double[][] _m = parameters.Select(p => new double[p.Length]).ToArray();
        private readonly double[][] _v = parameters.Select(p => new double[p.Length]).ToArray();
        private int _t;

        public void Step(double[][] values, double[][] gradients, double rate)
        {
            _t++;
            var c1 = 1 - Math.Pow(Beta1, _t);
            var c2 = 1 - Math.Pow(Beta2, _t);
            for (var p = 0; p < values.Length; p++)
            {
                for (var i = 0; i < values[p].Length; i++)
                {
                    var g = gradients[p][i];
                    _m[p][i] = (Beta1 * _m[p][i]) + ((1 - Beta1) * g);
                    _v[p][i] = (Beta2 * _v[p][i]) + ((1 - Beta2) * g * g);
                    values[p][i] -= rate * (_m[p][i] / c1) / (Math.Sqrt(_v[p][i] / c2) + Epsilon);
                }
            }
        }
    }
}
