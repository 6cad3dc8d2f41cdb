namespace ShadowAgent.Aggregator.Models;

/// <summary>How the aggregator trains the agents' learned detectors ("Aggregator:Models").</summary>
public sealed class ModelRefreshOptions
{
    /// <summary>Whole windows a stream needs (across its hosts) before its models are trained: fewer make a fence
    /// (Q3 + 3 IQR of the training scores) that moves with every window.</summary>
    public int MinProfiles { get; set; } = 60;

    /// <summary>Newest whole windows a training reads; 10,000 trains in a few seconds (README, Performance).</summary>
    public int MaxProfiles { get; set; } = 10_000;

    /// <summary>Time between scheduled retrainings of every stream; zero turns the schedule off (the retrain
    /// request still works). A stream without new profiles since its newest model is not retrained.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Model versions kept per stream and kind; older ones are deleted with the training that replaces them.</summary>
    public int KeepVersions { get; set; } = 24;

    /// <summary>Isolation forest trees grown (the exported file is held under 60 KB whatever this is).</summary>
    public int ForestTrees { get; set; } = 24;

    /// <summary>Autoencoder training epochs.</summary>
    public int AutoencoderEpochs { get; set; } = 150;
}
