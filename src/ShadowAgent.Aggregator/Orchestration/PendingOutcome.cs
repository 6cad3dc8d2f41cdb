namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>A decision whose outcome is being measured until its settle time has passed.</summary>
internal sealed class PendingOutcome(ScaleAction action, long atMs, bool dryRun, string? commandId)
{
    /// <summary>Set once the decision is recorded (the command is queued first, so a result may come before).</summary>
    public long DecisionId { get; set; }

    public ScaleAction Action { get; } = action;

    /// <summary>The decision's window end; windows ending after it are measured.</summary>
    public long AtMs { get; } = atMs;

    public bool DryRun { get; } = dryRun;

    public string? CommandId { get; } = commandId;

    /// <summary>The agent's result status ("applied", "rolled_back", ...), or null while none arrived.</summary>
    public string? Status { get; set; }

    public int Windows { get; private set; }

    public int SloBreaches { get; set; }

    private double _utilizationSum;
    private int _utilizationCount;
    private double? _maxThrottled;
    private double? _maxPressure;

    public void AddResource(double? utilization, double? throttled, double? pressure)
    {
        Windows++;
        if (utilization is { } u)
        {
            _utilizationSum += u;
            _utilizationCount++;
        }

        if (throttled is { } t)
        {
            _maxThrottled = Math.Max(_maxThrottled ?? t, t);
        }

        if (pressure is { } p)
        {
            _maxPressure = Math.Max(_maxPressure ?? p, p);
        }
    }

    public Outcome Finish(bool reversed) => new(
        Windows, _utilizationCount > 0 ? _utilizationSum / _utilizationCount : null, _maxThrottled, _maxPressure, SloBreaches,
        reversed || Status == "rolled_back");
}
