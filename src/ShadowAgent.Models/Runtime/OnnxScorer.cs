using Microsoft.ML.OnnxRuntime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Runtime;

/// <summary>
/// Scores one feature vector at a time with an exported model in ONNX Runtime. One <see cref="InferenceSession"/>
/// per model, one thread, no spinning (a call per profile is rare and tiny: waking a thread pool would cost more
/// than the model); the input and output tensors are allocated once over pinned arrays and bound to the session
/// once (<see cref="OrtIoBinding"/>), so a call copies the vector in, runs, and reads one float out without
/// allocating. Not thread-safe: one caller at a time, as the detector that owns it calls.
/// </summary>
public sealed class OnnxScorer : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run;
    private readonly OrtIoBinding _binding;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly string _inputName;
    private readonly string _outputName;

    /// <exception cref="OnnxRuntimeException">ONNX Runtime refuses the model.</exception>
    public OnnxScorer(ModelArtifact artifact)
        : this(artifact, fuseWeightOnlyInt8: false)
    {
    }

    /// <param name="artifact">The model.</param>
    /// <param name="fuseWeightOnlyInt8">Let ONNX Runtime run an <see cref="ModelPrecision.Int8Weights"/> model with
    /// its fused int8 kernel instead of float32 (measured in the benchmarks; not the default).</param>
    internal OnnxScorer(ModelArtifact artifact, bool fuseWeightOnlyInt8)
    {
        Info = artifact.Info;
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (Info.Precision == ModelPrecision.Int8Weights && !fuseWeightOnlyInt8)
        {
            // Left alone, ONNX Runtime rewrites DequantizeLinear → MatMul into its 8-bit MatMulNBits kernel, whose
            // arithmetic differs from the dequantized weights (measured: 7.9e-4 relative on a typical row). Without
            // QDQ fusion it folds the dequantization once at load and runs float32 MatMul: int8 on disk and on the
            // wire, the dequantized model's exact scores in memory.
            _options.AddSessionConfigEntry("session.disable_quant_qdq", "1");
        }

        try
        {
            _session = new InferenceSession(artifact.Onnx.ToArray(), _options);
        }
        catch
        {
            _options.Dispose();
            throw;
        }

        _inputName = _session.InputNames[0];
        _outputName = _session.OutputNames[0];
        _input = new float[Info.Features.Count];
        _output = new float[1];
        var outputShape = _session.OutputMetadata[_outputName].Dimensions.Select(d => d < 0 ? 1L : d).ToArray();
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, outputShape);
        _run = new RunOptions();
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_inputName, _inputValue);
        _binding.BindOutput(_outputName, _outputValue);
    }

    public ModelInfo Info { get; }

    /// <summary>The model's score of one vector (one value per feature, in <see cref="ModelInfo.Features"/> order).</summary>
    public float Score(ReadOnlySpan<double> features)
    {
        CheckLength(features.Length);
        for (var i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)features[i];
        }

        return Run();
    }

    /// <inheritdoc cref="Score(ReadOnlySpan{double})"/>
    public float Score(ReadOnlySpan<float> features)
    {
        CheckLength(features.Length);
        features.CopyTo(_input);
        return Run();
    }

    /// <summary>Scores every row in one call (training-time thresholds, evaluation); allocates its tensors.</summary>
    public float[] ScoreAll(FeatureMatrix rows)
    {
        CheckLength(rows.Columns);
        var input = new float[rows.Rows * rows.Columns];
        for (var r = 0; r < rows.Rows; r++)
        {
            rows[r].CopyTo(input.AsSpan(r * rows.Columns));
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input, [rows.Rows, rows.Columns]);
        using var results = _session.Run(_run, [_inputName], [value], [_outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        _binding.Dispose();
        _run.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _session.Dispose();
        _options.Dispose();
    }

    private float Run()
    {
        _session.RunWithBinding(_run, _binding);
        return _output[0];
    }

    private void CheckLength(int length)
    {
        if (length != _input.Length)
        {
            throw new ArgumentException($"The model scores {_input.Length} features; got {length}.");
        }
    }
}
