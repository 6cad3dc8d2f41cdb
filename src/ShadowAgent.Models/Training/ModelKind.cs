namespace ShadowAgent.Models.Training;

/// <summary>What a model is; written into the exported file's metadata as <c>shadow.kind</c>.</summary>
public enum ModelKind
{
    /// <summary>Isolation forest (Liu, Ting and Zhou 2008); score 2^(−E[h]/c(ψ)) in (0, 1], above 0.5 is unusual.</summary>
    IsolationForest,

    /// <summary>Autoencoder; score is the mean squared reconstruction error of the standardized vector.</summary>
    Autoencoder,
}
