namespace ShadowAgent.Core.Profiles;

/// <summary>
/// What the agent's detectors made of a window: its score against the stream's own past (each score uses only
/// earlier windows), how rare that is, and which features and detectors saw it.
/// </summary>
public sealed class AnomalySummary
{
    /// <summary>Anomaly score in [0, 1]: 1 minus the tail probability, on a log scale.</summary>
    public double Score { get; init; }

    /// <summary>Combined tail probability of the window's most unusual feature, corrected for the number of features.</summary>
    public double TailProbability { get; init; }

    /// <summary>0 none, 1 low (p below 1%), 2 medium (0.1%), 3 high (0.01%).</summary>
    public int Severity { get; init; }

    /// <summary>The score crossed the alarm threshold (once per incident: repeated alarms are damped).</summary>
    public bool Alarm { get; init; }

    /// <summary>Features scored (still warming up: none).</summary>
    public int FeaturesScored { get; init; }

    /// <summary>The most significant (feature, detector) pairs, rarest first.</summary>
    public required IReadOnlyList<AnomalyContributor> Contributors { get; init; }

    /// <summary>The learned models' readings of the window; empty until a model has been loaded.</summary>
    public IReadOnlyList<ModelVerdict> Models { get; init; } = [];
}

/// <summary>One learned model's score of a window.</summary>
/// <param name="Kind">"isolation-forest" or "autoencoder".</param>
/// <param name="Version">The model version that scored.</param>
/// <param name="Score">The model's score.</param>
/// <param name="Threshold">Score from which the window is unusual (the model's training fence).</param>
/// <param name="Unusual">Score at or above the threshold.</param>
public readonly record struct ModelVerdict(string Kind, long Version, double Score, double Threshold, bool Unusual);

public readonly record struct AnomalyContributor(string Feature, string Detector, double Statistic, double TailProbability);

/// <summary>
/// The stream's volume forecast made when the window closed: records per window for the next windows, with
/// prediction intervals, by the model the forecaster chose on its own history.
/// </summary>
public sealed class ForecastSummary
{
    /// <summary>What is forecast: "records" (per window).</summary>
    public required string Series { get; init; }

    /// <summary>The chosen model, e.g. "ets(A,Ad,A)[6]", "arima(1,1,0)", "seasonal-naive[6]".</summary>
    public required string Model { get; init; }

    /// <summary>Detected seasonal period in steps (windows, or buckets of the coarse forecast); 0 when none.</summary>
    public int Period { get; init; }

    /// <summary>Time between forecast points (the hop, or the coarse step).</summary>
    public TimeSpan Step { get; init; }

    /// <summary>Coverage the intervals aim at, e.g. 0.95.</summary>
    public double Level { get; init; }

    /// <summary>Point forecasts with lower and upper bounds, one per step ahead.</summary>
    public required IReadOnlyList<(double Value, double Lower, double Upper)> Points { get; init; }
}
