using System.Text.Json.Serialization;

namespace ShadowAgent.ClosedLoop.Run;

/// <summary>The result file: how the run was set up, each policy's measures, and the comparisons the issue sets targets for.</summary>
internal sealed record BenchmarkResult
{
    public required string Run { get; init; }

    public required string Trace { get; init; }

    public required DateTime Start { get; init; }

    public int WarmupDays { get; init; }

    public double DaySeconds { get; init; }

    public double RampAtSeconds { get; init; }

    public double RampFactor { get; init; }

    public bool RampEveryDay { get; init; }

    public double PeakCores { get; init; }

    public double MeasuredPeakDemandCores { get; init; }

    public double MeasuredMeanDemandCores { get; init; }

    public int Rounds { get; init; }

    /// <summary>The cost the run used: the larger of the two calibrations.</summary>
    public double CpuMsPerRequest { get; init; }

    /// <summary>CPU per request answered one at a time.</summary>
    public double SerialCpuMsPerRequest { get; init; }

    /// <summary>CPU per request under paced Poisson arrivals over the runs' connections.</summary>
    public double PacedCpuMsPerRequest { get; init; }

    public double RequestsPerCoreSecond { get; init; }

    public double SloMs { get; init; }

    public double ThrottleMs { get; init; }

    public double HostCores { get; init; }

    public int Seed { get; init; }

    public List<PolicyResult> Policies { get; init; } = [];

    public Comparison? Comparison { get; init; }
}

/// <summary>The targets, evaluated when the policies they compare were run.</summary>
internal sealed record Comparison
{
    /// <summary>1 − predictive / reactive SLO-violation seconds (target ≥ 0.5).</summary>
    public double? ViolationReductionVsReactive { get; init; }

    /// <summary>Predictive core-seconds / reactive core-seconds (target ≤ 1).</summary>
    public double? CoreSecondsRatioVsReactive { get; init; }

    /// <summary>1 − predictive / static core-seconds (target ≥ 0.3).</summary>
    public double? CoreSecondsReductionVsStatic { get; init; }

    /// <summary>Predictive minus static SLO-violation seconds (target ≤ 0).</summary>
    public int? ViolationDifferenceVsStatic { get; init; }

    /// <summary>Reactive's first scale-up minus predictive's, around the ramp, seconds (positive: predictive acted first).</summary>
    public double? PredictiveLeadSeconds { get; init; }

    /// <summary>The same from the decisions API's decision times.</summary>
    public double? PredictiveLeadDecisionSeconds { get; init; }

    public bool? MeetsReactiveTarget { get; init; }

    public bool? MeetsStaticTarget { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchmarkResult))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
