namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// A streaming detector over one series: it scores each new value against what it has seen before, then
/// learns it. The score never depends on later values. Implementations allocate nothing per value.
/// </summary>
public interface IStreamDetector
{
    /// <summary>Short stable name, used to explain which detectors contributed to an anomaly.</summary>
    string Name { get; }

    /// <summary>
    /// The raw statistic of <paramref name="value"/> against the past (non-negative, larger is more unusual;
    /// scales differ between detectors), or NaN while the detector is still warming up.
    /// </summary>
    double Observe(double value);

    /// <summary>
    /// Forgets the baseline so it is learned again from the next values (the detector abstains while it warms
    /// up). Called after an alarm when the series may have moved to a new regime; detectors whose baseline
    /// is the series' own recurring pattern may ignore it.
    /// </summary>
    void Restart();
}
