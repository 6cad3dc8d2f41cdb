using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Detection.Profiles;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Models;

/// <summary>
/// The learned detectors of each stream with detection on: one <see cref="ModelDetector"/> (isolation forest and
/// autoencoder slots) over the stream's profile features. Model updates from the aggregator are checked (SHA-256, a
/// ShadowAgent model of the announced kind and version, the stream's features) and loaded into the slot on the caller's
/// thread — the uplink hands them to the thread pool, off its read loop — while the window closer keeps scoring with the
/// previous model, which stays in place whenever an update is refused. Without ONNX Runtime's native library the agent
/// carries on with its statistical detectors and refuses updates, saying why.
/// </summary>
internal sealed class StreamModels : IDisposable
{
    private readonly Dictionary<string, ModelDetector> _detectors = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Func<ModelSlot, ModelArtifact, bool> _offer;
    private string? _runtimeMissing;

    public StreamModels(AgentOptions options, ILogger<StreamModels> logger)
        : this(options, logger, static (slot, artifact) => slot.Offer(artifact))
    {
    }

    /// <param name="offer">Loads an artifact into a slot; tests stand in a loader that fails as a missing native library does.</param>
    internal StreamModels(AgentOptions options, ILogger logger, Func<ModelSlot, ModelArtifact, bool> offer)
    {
        _logger = logger;
        _offer = offer;
        foreach (var stream in options.Streams)
        {
            if (stream.Detection.Enabled)
            {
                // The agent does not train: the history ring is kept at its minimum.
                _detectors[stream.Name] = new ModelDetector(new ProfileFeatures(stream.NumericFields, stream.KeyFields).Names, historyCapacity: 2);
            }
        }
    }

    /// <summary>The stream's detector; null when the stream has detection off.</summary>
    public ModelDetector? For(string stream) => _detectors.GetValueOrDefault(stream);

    /// <summary>Checks and loads one update; never throws. Thread-safe.</summary>
    public ModelUpdateResult Apply(ModelUpdate update)
    {
        var reason = TryApply(update);
        if (reason is null)
        {
            return new ModelUpdateResult { ModelId = update.ModelId, Version = update.Version, Loaded = true, Message = "loaded" };
        }

        ModelsLog.Rejected(_logger, update.ModelId, update.Kind, update.Version, update.Stream, reason);
        return new ModelUpdateResult { ModelId = update.ModelId, Version = update.Version, Loaded = false, Message = reason };
    }

    public void Dispose()
    {
        foreach (var detector in _detectors.Values)
        {
            detector.Dispose();
        }
    }

    private string? TryApply(ModelUpdate update)
    {
        if (!ModelKindNames.TryParse(update.Kind, out var kind))
        {
            return $"unknown model kind '{update.Kind}' (expected {ModelKindNames.IsolationForest} or {ModelKindNames.Autoencoder})";
        }

        List<(string Stream, ModelDetector Detector)> targets = update.Stream.Length == 0
            ? [.. _detectors.Select(d => (d.Key, d.Value))]
            : _detectors.TryGetValue(update.Stream, out var one) ? [(update.Stream, one)] : [];
        if (targets.Count == 0)
        {
            return update.Stream.Length == 0
                ? "no stream of this agent has detection enabled"
                : $"stream '{update.Stream}' is not configured here or has detection disabled";
        }

        var onnx = update.Onnx.Span;
        var hash = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (!string.Equals(hash, update.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"sha256 mismatch: the update says {update.Sha256}, its {onnx.Length} bytes hash to {hash}";
        }

        if (Volatile.Read(ref _runtimeMissing) is { } missing)
        {
            return missing;
        }

        ModelArtifact artifact;
        try
        {
            artifact = ModelArtifact.Read(onnx);
        }
        catch (InvalidDataException e)
        {
            return $"not a ShadowAgent ONNX model: {e.Message}";
        }

        var info = artifact.Info;
        if (info.Kind != kind || info.Version != update.Version)
        {
            return $"the file holds {ModelKindNames.Name(info.Kind)} v{info.Version}, the update announces {update.Kind} v{update.Version}";
        }

        foreach (var (stream, detector) in targets)
        {
            if (!info.Features.SequenceEqual(detector.Features, StringComparer.Ordinal))
            {
                return $"feature mismatch: the model scores {info.Features.Count} features [{string.Join(", ", info.Features)}], " +
                    $"stream '{stream}' has {detector.Features.Count} [{string.Join(", ", detector.Features)}]";
            }
        }

        var kindName = ModelKindNames.Name(kind);
        foreach (var (stream, detector) in targets)
        {
            var slot = kind == ModelKind.IsolationForest ? detector.Forest : detector.Autoencoder;
            try
            {
                if (!_offer(slot, artifact))
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"version {info.Version} is not newer than the {kindName} model already loaded for '{stream}'");
                }
            }
            catch (OnnxRuntimeException e)
            {
                return $"ONNX Runtime refused the model: {e.Message}";
            }
            catch (ObjectDisposedException)
            {
                return "the agent is shutting down";
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
            {
                var reason = $"ONNX Runtime native library (libonnxruntime.so beside the agent) could not be loaded: {Innermost(e).Message}";
                if (Interlocked.CompareExchange(ref _runtimeMissing, reason, null) is null)
                {
                    ModelsLog.RuntimeMissing(_logger, reason);
                }

                return reason;
            }

            ModelsLog.Loaded(_logger, stream, kindName, info.Version, artifact.SizeBytes, info.TrainedRows);
        }

        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }
}
