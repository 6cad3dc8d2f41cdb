using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// What the extractor's token loop tells a shape observer. The loop is generic over a struct implementing
/// this, so the JIT compiles one copy with the calls and one without: a stream that does not observe
/// shapes runs exactly the loop it ran before.
/// </summary>
internal interface IShapeHooks
{
    void Property(ref Utf8JsonReader reader);

    void Scalar(JsonTokenType token);

    void Start(bool isArray);

    void End();
}

/// <summary>Shape observation off.</summary>
internal readonly struct NoShape : IShapeHooks
{
    public void Property(ref Utf8JsonReader reader)
    {
    }

    public void Scalar(JsonTokenType token)
    {
    }

    public void Start(bool isArray)
    {
    }

    public void End()
    {
    }
}

/// <summary>Shape observation into a <see cref="ShapeRecorder"/>.</summary>
internal readonly struct RecordShape(ShapeRecorder recorder) : IShapeHooks
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Property(ref Utf8JsonReader reader) => recorder.Property(ref reader);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Scalar(JsonTokenType token) => recorder.Scalar(token);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Start(bool isArray) => recorder.Start(isArray);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void End() => recorder.End();
}
