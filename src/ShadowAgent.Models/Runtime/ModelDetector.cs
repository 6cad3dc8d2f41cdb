using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Runtime;

/// <summary>
/// The learned detectors run per profile: the isolation forest and the autoencoder, each in its own
/// <see cref="ModelSlot"/> (replaced by newer versions while scoring goes on), fed the same feature vector the
/// statistical detectors see. Every vector is also kept in <see cref="History"/>, the rows the next models are
/// trained from — including the ones scored while a model was being replaced. A missing (non-finite) value is
/// replaced by the feature's last finite value, so one absent feature neither breaks the models nor the history.
/// Allocation-free per vector; one caller at a time.
/// </summary>
public sealed class ModelDetector : IDisposable
{
    private readonly double[] _values;

    /// <param name="features">Feature names, in the order <see cref="Observe"/> gets values.</param>
    /// <param name="historyCapacity">Profiles kept for training.</param>
    public ModelDetector(IReadOnlyList<string> features, int historyCapacity = 4096)
    {
        Features = [.. features];
        Forest = new ModelSlot(ModelKind.IsolationForest, features);
        Autoencoder = new ModelSlot(ModelKind.Autoencoder, features);
        History = new ProfileHistory(features.Count, historyCapacity);
        _values = new double[features.Count];
    }

    public IReadOnlyList<string> Features { get; }

    public ModelSlot Forest { get; }

    public ModelSlot Autoencoder { get; }

    public ProfileHistory History { get; }

    /// <summary>Scores one profile's vector with both models, then keeps it for training.</summary>
    public ModelScores Observe(ReadOnlySpan<double> values)
    {
        if (values.Length != _values.Length)
        {
            throw new ArgumentException($"Expected {_values.Length} values, one per feature; got {values.Length}.", nameof(values));
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                _values[i] = values[i];
            }
        }

        var scores = new ModelScores(Forest.Score(_values), Autoencoder.Score(_values));
        History.Add(_values);
        return scores;
    }

    /// <summary>Call once scoring has stopped.</summary>
    public void Dispose()
    {
        Forest.Dispose();
        Autoencoder.Dispose();
    }
}
