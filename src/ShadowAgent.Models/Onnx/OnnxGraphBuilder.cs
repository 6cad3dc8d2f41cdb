using ShadowAgent.Models.Onnx.Proto;

namespace ShadowAgent.Models.Onnx;

/// <summary>
/// Builds one ONNX graph: typed inputs and outputs with a symbolic batch axis, initializers and nodes added in
/// topological order (each node's inputs exist before it), then the model around it with its opset imports.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The symbolic name of the batch axis (rows scored per call).</summary>
    public const string BatchAxis = "N";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private bool _usesMl;
    private int _nodes;

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    /// <summary>Declares a graph input of shape [N, columns].</summary>
    public string Input(string name, int elementType, long columns)
    {
        _graph.Input.Add(ValueInfo(name, elementType, columns));
        Define(name);
        return name;
    }

    /// <summary>Declares a graph output; <paramref name="columns"/> null means shape [N].</summary>
    public void Output(string name, int elementType, long? columns)
    {
        if (!_values.Contains(name))
        {
            throw new InvalidOperationException($"Output '{name}' is not produced by any node.");
        }

        _graph.Output.Add(columns is { } c ? ValueInfo(name, elementType, c) : ValueInfo(name, elementType, null));
    }

    public string Initializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        Define(tensor.Name);
        return tensor.Name;
    }

    /// <summary>Adds a node of the default domain (or <paramref name="domain"/>) with one output named
    /// <paramref name="output"/>.</summary>
    public string Node(string opType, string[] inputs, string output, params AttributeProto[] attributes) =>
        Node(opType, "", inputs, [output], attributes)[0];

    public string[] Node(string opType, string domain, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        foreach (var input in inputs)
        {
            if (input.Length > 0 && !_values.Contains(input))
            {
                throw new InvalidOperationException($"Node {opType}: input '{input}' is not defined yet (nodes go in topological order).");
            }
        }

        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{_nodes++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        foreach (var output in outputs)
        {
            Define(output);
        }

        _usesMl |= domain == OnnxFormat.MlDomain;
        return outputs;
    }

    /// <summary>The model: IR version, opset imports (ai.onnx.ml only when a node uses it), producer, the
    /// model's version and its metadata.</summary>
    public ModelProto Build(long modelVersion, string docString, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = OnnxFormat.IrVersion,
            ProducerName = OnnxFormat.ProducerName,
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0",
            Domain = "io.shadowagent",
            ModelVersion = modelVersion,
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxFormat.DefaultOpset });
        if (_usesMl)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxFormat.MlDomain, Version = OnnxFormat.MlOpset });
        }

        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private void Define(string name)
    {
        if (!_values.Add(name))
        {
            throw new InvalidOperationException($"Value '{name}' is defined twice (ONNX graphs are single assignment).");
        }
    }

    private static ValueInfoProto ValueInfo(string name, int elementType, long? columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchAxis });
        if (columns is { } c)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = c });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }
}
