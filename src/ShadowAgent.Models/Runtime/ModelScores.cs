namespace ShadowAgent.Models.Runtime;

/// <summary>Both learned detectors' verdicts on one profile.</summary>
public readonly record struct ModelScores(ModelReading Forest, ModelReading Autoencoder)
{
    /// <summary>Whether either model found the profile unusual.</summary>
    public bool Unusual => Forest.Unusual || Autoencoder.Unusual;
}
