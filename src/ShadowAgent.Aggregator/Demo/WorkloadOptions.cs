namespace ShadowAgent.Aggregator.Demo;

/// <summary>How the demo's workload behaves: a compressed day of traffic and one incident.</summary>
internal sealed class WorkloadOptions
{
    /// <summary>Records per second at the daily peak.</summary>
    public double PeakRate { get; set; } = 4000;

    /// <summary>Real seconds one simulated day lasts.</summary>
    public double DaySeconds { get; set; } = 240;

    /// <summary>Simulated hour of day the workload starts at.</summary>
    public double StartHour { get; set; } = 6;

    /// <summary>Real seconds after start when the incident begins, and how long it lasts.</summary>
    public double IncidentAtSeconds { get; set; } = 50;

    public double IncidentSeconds { get; set; } = 20;

    /// <summary>Share of lines sent malformed during the incident (a buggy client release).</summary>
    public double IncidentMalformedShare { get; set; } = 0.02;

    public int Seed { get; set; } = 20261124;

    public double HourAt(double elapsedSeconds) => (StartHour + (24 * elapsedSeconds / DaySeconds)) % 24;

    public bool InIncident(double elapsedSeconds) =>
        elapsedSeconds >= IncidentAtSeconds && elapsedSeconds < IncidentAtSeconds + IncidentSeconds;
}
