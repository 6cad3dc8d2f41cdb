namespace ShadowAgent.Models.Autoencoder;

/// <summary>Shape and training of the autoencoder d → hidden → code → hidden → d.</summary>
public sealed class AutoencoderOptions
{
    /// <summary>Width of the two tanh layers.</summary>
    public int Hidden { get; init; } = 8;

    /// <summary>Width of the linear bottleneck.</summary>
    public int Code { get; init; } = 3;

    public int Epochs { get; init; } = 150;

    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    public int Seed { get; init; } = 1;
}
