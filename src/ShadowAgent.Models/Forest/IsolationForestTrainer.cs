using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Forest;

/// <summary>
/// Grows an isolation forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008, algorithms 1 and 2): each tree
/// from ψ rows drawn without replacement, splitting on a random feature at a uniform random value between that
/// feature's min and max in the node, until a node holds one row, its rows are all equal, or the height limit
/// ⌈log2 ψ⌉ is reached. Seeded: the same rows and options grow the same forest.
/// </summary>
internal static class IsolationForestTrainer
{
    public static IsolationForest Train(FeatureMatrix data, IsolationForestOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Trees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SubsampleSize, 2);
        if (data.Rows < 2)
        {
            throw new ArgumentException("An isolation forest needs at least two rows.", nameof(data));
        }

        var random = new Random(options.Seed);
        var psi = Math.Min(options.SubsampleSize, data.Rows);
        var heightLimit = (int)Math.Ceiling(Math.Log2(psi));
        var indices = new int[data.Rows];
        var trees = new IsolationTree[options.Trees];
        for (var t = 0; t < trees.Length; t++)
        {
            for (var i = 0; i < indices.Length; i++)
            {
                indices[i] = i;
            }

            // Partial Fisher–Yates: the first psi indices are a sample without replacement.
            for (var i = 0; i < psi; i++)
            {
                var j = random.Next(i, indices.Length);
                (indices[i], indices[j]) = (indices[j], indices[i]);
            }

            var builder = new TreeBuilder(data, random, heightLimit);
            builder.Grow(indices.AsSpan(0, psi).ToArray(), 0);
            trees[t] = builder.ToTree();
        }

        return new IsolationForest(trees, psi, data.Columns);
    }

    private sealed class TreeBuilder(FeatureMatrix data, Random random, int heightLimit)
    {
        private readonly List<int> _feature = [];
        private readonly List<float> _threshold = [];
        private readonly List<int> _left = [];
        private readonly List<int> _right = [];
        private readonly List<float> _leaf = [];
        private readonly int[] _candidates = new int[data.Columns];
        private readonly float[] _min = new float[data.Columns];
        private readonly float[] _max = new float[data.Columns];

        public int Grow(int[] rows, int depth)
        {
            var node = _feature.Count;
            _feature.Add(-1);
            _threshold.Add(0);
            _left.Add(0);
            _right.Add(0);
            _leaf.Add(0);
            if (depth >= heightLimit || rows.Length <= 1 || !TryChooseSplit(rows, out var feature, out var threshold))
            {
                _leaf[node] = (float)(depth + PathLength.Average(rows.Length));
                return node;
            }

            var left = rows.Where(r => data[r][feature] < threshold).ToArray();
            var right = rows.Where(r => !(data[r][feature] < threshold)).ToArray();
            _feature[node] = feature;
            _threshold[node] = threshold;
            _left[node] = Grow(left, depth + 1);
            _right[node] = Grow(right, depth + 1);
            return node;
        }

        public IsolationTree ToTree() => new([.. _feature], [.. _threshold], [.. _left], [.. _right], [.. _leaf]);

        /// <summary>A random feature among those not constant over the node's rows, and a threshold strictly
        /// inside (min, max] so both sides get a row.</summary>
        private bool TryChooseSplit(int[] rows, out int feature, out float threshold)
        {
            Array.Fill(_min, float.PositiveInfinity);
            Array.Fill(_max, float.NegativeInfinity);
            foreach (var r in rows)
            {
                var x = data[r];
                for (var c = 0; c < x.Length; c++)
                {
                    _min[c] = Math.Min(_min[c], x[c]);
                    _max[c] = Math.Max(_max[c], x[c]);
                }
            }

            var count = 0;
            for (var c = 0; c < _min.Length; c++)
            {
                if (_max[c] > _min[c])
                {
                    _candidates[count++] = c;
                }
            }

            if (count == 0)
            {
                feature = -1;
                threshold = 0;
                return false;
            }

            feature = _candidates[random.Next(count)];
            var lo = _min[feature];
            var hi = _max[feature];
            threshold = (float)(lo + (random.NextDouble() * ((double)hi - lo)));
            if (threshold <= lo)
            {
                // Rounded onto the minimum: no row would go left.
                threshold = MathF.BitIncrement(lo);
            }

            return true;
        }
    }
}
