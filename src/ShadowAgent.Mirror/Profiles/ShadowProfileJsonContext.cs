using System.Text.Json.Serialization;

namespace ShadowAgent.Mirror.Profiles;

/// <summary>Source-generated JSON for the shadow instance profile (no reflection under native AOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ShadowInstanceProfile))]
internal sealed partial class ShadowProfileJsonContext : JsonSerializerContext;
