using ShadowAgent.Models.Onnx;
using ShadowAgent.Models.Training;
using static ShadowAgent.Models.Onnx.OnnxAttributes;

namespace ShadowAgent.Models.Autoencoder;

/// <summary>
/// Writes the autoencoder as ONNX: <c>Sub</c>/<c>Div</c> by the training mean and standard deviation, four dense
/// layers (tanh after the first and third), then <c>Sub</c>, <c>Mul</c> (square) and <c>ReduceMean</c> over the
/// features. Input <c>X</c> float [N, d], output <c>score</c> float [N]. Each dense layer is, by precision:
/// <list type="bullet">
/// <item>Float32 — <c>MatMul</c> by a float initializer, <c>Add</c> bias.</item>
/// <item>Int8Weights — <c>DequantizeLinear</c>(int8 initializer, per-column scales, axis 1) → <c>MatMul</c> → <c>Add</c>.</item>
/// <item>Int8Dynamic — <c>DynamicQuantizeLinear</c>(activations) → <c>MatMulInteger</c>(uint8 × int8) → <c>Cast</c>
/// → <c>Mul</c>(activation scale × column scales) → <c>Add</c> bias: ONNX Runtime's dynamic-quantization pattern,
/// which it fuses into one int8 kernel.</item>
/// </list>
/// </summary>
internal static class AutoencoderExporter
{
    public const string InputName = "X";
    public const string OutputName = "score";

    public static ModelArtifact Export(Autoencoder model, ModelInfo info)
    {
        if (info.Features.Count != model.Features || info.Kind != ModelKind.Autoencoder)
        {
            throw new ArgumentException("Info does not describe an autoencoder over these features.", nameof(info));
        }

        var graph = new OnnxGraphBuilder("autoencoder");
        var x = graph.Input(InputName, OnnxFormat.Float, model.Features);
        var mean = graph.Initializer(OnnxTensors.Float("mean", model.Mean, model.Features));
        var scale = graph.Initializer(OnnxTensors.Float("scale", model.Scale, model.Features));
        var centered = graph.Node("Sub", [x, mean], "centered");
        var z = graph.Node("Div", [centered, scale], "standardized");
        var a = z;
        for (var l = 0; l < model.Layers; l++)
        {
            var linear = Dense(graph, model, l, a, info.Precision);
            a = Autoencoder.IsTanh(l) ? graph.Node("Tanh", [linear], $"h{l}") : linear;
        }

        var difference = graph.Node("Sub", [a, z], "difference");
        var squared = graph.Node("Mul", [difference, difference], "squared");
        var error = graph.Node("ReduceMean", [squared], OutputName, Ints("axes", [1]), Int("keepdims", 0));
        graph.Output(error, OnnxFormat.Float, null);

        var widths = string.Join(" -> ", model.Widths);
        var doc = $"Autoencoder {widths} (tanh, linear, tanh, linear), {info.Precision}; score = mean squared reconstruction error of the standardized vector.";
        return ModelArtifact.From(graph.Build(info.Version, doc, info.ToMetadata()), info);
    }

    private static string Dense(OnnxGraphBuilder graph, Autoencoder model, int l, string input, ModelPrecision precision)
    {
        long rows = model.Widths[l];
        long columns = model.Widths[l + 1];
        var bias = graph.Initializer(OnnxTensors.Float($"b{l}", model.Biases[l], columns));
        switch (precision)
        {
            case ModelPrecision.Float32:
            {
                var w = graph.Initializer(OnnxTensors.Float($"w{l}", model.Weights[l], rows, columns));
                return graph.Node("Add", [graph.Node("MatMul", [input, w], $"mm{l}"), bias], $"z{l}");
            }

            case ModelPrecision.Int8Weights:
            {
                var q = Int8Matrix.Quantize(model.Weights[l], (int)rows, (int)columns);
                var wq = graph.Initializer(OnnxTensors.Int8($"w{l}_int8", q.Values, rows, columns));
                var ws = graph.Initializer(OnnxTensors.Float($"w{l}_scale", q.Scales, columns));
                var w = graph.Node("DequantizeLinear", [wq, ws], $"w{l}", Int("axis", 1));
                return graph.Node("Add", [graph.Node("MatMul", [input, w], $"mm{l}"), bias], $"z{l}");
            }

            case ModelPrecision.Int8Dynamic:
            {
                var q = Int8Matrix.Quantize(model.Weights[l], (int)rows, (int)columns);
                var wq = graph.Initializer(OnnxTensors.Int8($"w{l}_int8", q.Values, rows, columns));
                var ws = graph.Initializer(OnnxTensors.Float($"w{l}_scale", q.Scales, columns));
                var quantized = graph.Node("DynamicQuantizeLinear", "", [input], [$"a{l}_uint8", $"a{l}_scale", $"a{l}_zero_point"]);
                var product = graph.Node("MatMulInteger", [quantized[0], wq, quantized[2]], $"mm{l}_int32");
                var asFloat = graph.Node("Cast", [product], $"mm{l}_float", Int("to", OnnxFormat.Float));
                var scales = graph.Node("Mul", [quantized[1], ws], $"mm{l}_scale");
                var rescaled = graph.Node("Mul", [asFloat, scales], $"mm{l}");
                return graph.Node("Add", [rescaled, bias], $"z{l}");
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision.");
        }
    }
}
