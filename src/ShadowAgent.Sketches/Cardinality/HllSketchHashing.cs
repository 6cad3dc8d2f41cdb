namespace ShadowAgent.Sketches.Cardinality;

internal static class HllSketchHashing
{
    /// <summary>DataSketches' default update seed.</summary>
    public const ulong Seed = 9001;
}
