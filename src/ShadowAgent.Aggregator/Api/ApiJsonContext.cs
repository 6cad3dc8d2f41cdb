using System.Text.Json.Serialization;

namespace ShadowAgent.Aggregator.Api;

// Named floating-point literals: a summary of a field that never held a number has NaN/∞ bounds.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(HostList))]
[JsonSerializable(typeof(SignalList))]
[JsonSerializable(typeof(FleetForecastInfo))]
[JsonSerializable(typeof(StreamList))]
[JsonSerializable(typeof(ProfileList))]
[JsonSerializable(typeof(FleetStreamList))]
[JsonSerializable(typeof(FleetStreamSummary))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(Health))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
