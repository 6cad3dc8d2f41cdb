using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Api;

/// <summary>The API's names for protocol enums: stable lower-case words, not the generated C# member names.</summary>
internal static class ProtoNames
{
    public const string Mixed = "mixed";

    public static string Of(Scaling scaling) => scaling switch
    {
        Scaling.None => "none",
        Scaling.ByRate => "by_rate",
        Scaling.SampleOnly => "sample_only",
        _ => "unknown",
    };

    public static string Of(SamplingMode mode) => mode switch
    {
        SamplingMode.All => "all",
        SamplingMode.Random => "random",
        SamplingMode.Hash => "hash",
        _ => "unknown",
    };

    public static string Of(SchemaDriftKind kind) => kind switch
    {
        SchemaDriftKind.Appeared => "appeared",
        SchemaDriftKind.Disappeared => "disappeared",
        SchemaDriftKind.TypeChanged => "type_changed",
        SchemaDriftKind.ShareChanged => "share_changed",
        _ => "unspecified",
    };
}
