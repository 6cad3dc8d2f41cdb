using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Signals;

/// <summary>
/// Which scored windows become stored predictive signals, by the stream's criticality: a critical stream signals
/// from low severity (tail probability below 1%), a normal one from medium (0.1%), a low one only at high
/// (0.01%). An alarm (the agent's once-per-incident threshold) always signals.
/// </summary>
public sealed class SignalPolicy
{
    public static readonly IReadOnlyDictionary<string, Severity> Thresholds = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = Severity.Low,
        ["normal"] = Severity.Medium,
        ["low"] = Severity.High,
    };

    private readonly Dictionary<string, Severity> _byStream = new(StringComparer.Ordinal);

    /// <param name="criticality">Stream name to "critical", "normal" or "low"; streams not listed are "normal".</param>
    public SignalPolicy(IReadOnlyDictionary<string, string>? criticality = null)
    {
        foreach (var (stream, level) in criticality ?? new Dictionary<string, string>())
        {
            if (!Thresholds.TryGetValue(level, out var threshold))
            {
                throw new ArgumentException($"criticality '{level}' of stream '{stream}' is not one of critical, normal, low.", nameof(criticality));
            }

            _byStream[stream] = threshold;
        }
    }

    public Severity ThresholdFor(string stream) => _byStream.GetValueOrDefault(stream, Severity.Medium);

    public bool IsSignal(string stream, AnomalyScore? anomaly) =>
        anomaly is not null && (anomaly.Alarm || (anomaly.Severity != Severity.None && anomaly.Severity >= ThresholdFor(stream)));
}
