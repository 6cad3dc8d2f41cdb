namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>What a decision does to its target.</summary>
internal enum ScaleAction
{
    Hold = 0,
    Up = 1,
    Down = 2,
}
