using System.Text.Json.Serialization;

namespace ShadowAgent.Aggregator.Orchestration;

// Named floating-point literals: an input the probe never reported may be NaN in a replayed snapshot.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DecisionList))]
[JsonSerializable(typeof(TargetList))]
[JsonSerializable(typeof(List<Trigger>))]
[JsonSerializable(typeof(PolicyInputs))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, ForecasterErrorInfo>))]
[JsonSerializable(typeof(LearnedParameters))]
[JsonSerializable(typeof(Mirror.MirrorShareList))]
internal sealed partial class OrchestrationJsonContext : JsonSerializerContext;
