using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Runtime;

/// <summary>
/// Holds the model of one kind that scores profiles, and replaces it while profiles keep being scored. A new
/// version is offered from any thread (<see cref="Offer"/>): its ONNX Runtime session is built there, off the
/// scoring path, then published; the scoring thread picks it up at the start of its next call and disposes the
/// model it replaces. Every call is answered by exactly one complete model — the old one or the new one — so no
/// profile goes unscored during a swap, and the scoring thread never waits for a session to load.
/// </summary>
public sealed class ModelSlot : IDisposable
{
    private readonly Lock _offers = new();
    private readonly ModelKind _kind;
    private readonly string[] _features;
    private OnnxScorer? _current;
    private OnnxScorer? _pending;
    private long _newestVersion = long.MinValue;
    private bool _disposed;

    /// <param name="kind">The kind of model this slot holds.</param>
    /// <param name="features">The features, in order, every model offered must be trained on.</param>
    public ModelSlot(ModelKind kind, IReadOnlyList<string> features)
    {
        _kind = kind;
        _features = [.. features];
    }

    /// <summary>The info of the model that scored the latest call (null before the first model arrives).</summary>
    public ModelInfo? Current => _current?.Info;

    /// <summary>Loads <paramref name="artifact"/> and publishes it for the next call. Returns false, keeping the
    /// current model, when its version is not newer than the newest offered so far. Thread-safe.</summary>
    /// <exception cref="ArgumentException">Another kind of model, or other features.</exception>
    public bool Offer(ModelArtifact artifact)
    {
        var info = artifact.Info;
        if (info.Kind != _kind || !info.Features.SequenceEqual(_features, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The slot holds {_kind} models over [{string.Join(", ", _features)}]; " +
                $"version {info.Version} is a {info.Kind} over [{string.Join(", ", info.Features)}].", nameof(artifact));
        }

        lock (_offers)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (info.Version <= _newestVersion)
            {
                return false;
            }

            var scorer = new OnnxScorer(artifact);
            _newestVersion = info.Version;
            Interlocked.Exchange(ref _pending, scorer)?.Dispose();
            return true;
        }
    }

    /// <summary>Scores one vector with the newest published model; NaN version 0 before any model arrived.
    /// Call from one thread.</summary>
    public ModelReading Score(ReadOnlySpan<double> features)
    {
        if (Volatile.Read(ref _pending) is not null && Interlocked.Exchange(ref _pending, null) is { } next)
        {
            var previous = _current;
            _current = next;
            previous?.Dispose();
        }

        if (_current is not { } scorer)
        {
            return new ModelReading(float.NaN, 0, false);
        }

        var score = scorer.Score(features);
        return new ModelReading(score, scorer.Info.Version, score >= scorer.Info.Threshold);
    }

    public void Dispose()
    {
        lock (_offers)
        {
            _disposed = true;
            Interlocked.Exchange(ref _pending, null)?.Dispose();
            _current?.Dispose();
            _current = null;
        }
    }
}
