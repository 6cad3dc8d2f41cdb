namespace ShadowAgent.Aggregator.Models;

/// <summary>Checks "Aggregator:Models"; every error names its key.</summary>
internal static class ModelRefreshOptionsValidator
{
    private const string Section = "Aggregator:Models";

    public static void Validate(ModelRefreshOptions options, List<string> errors)
    {
        // The isolation forest samples 256 rows per tree and the autoencoder's batches are 32: below 8 rows there is
        // nothing to learn a fence from.
        if (options.MinProfiles is < 8 or > 1_000_000)
        {
            errors.Add($"{Section}:{nameof(ModelRefreshOptions.MinProfiles)}: '{options.MinProfiles}' must be between 8 and 1000000");
        }

        if (options.MaxProfiles < options.MinProfiles || options.MaxProfiles > 1_000_000)
        {
            errors.Add($"{Section}:{nameof(ModelRefreshOptions.MaxProfiles)}: '{options.MaxProfiles}' must be between MinProfiles ({options.MinProfiles}) and 1000000");
        }

        if (options.RefreshInterval < TimeSpan.Zero || (options.RefreshInterval > TimeSpan.Zero && options.RefreshInterval < TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{Section}:{nameof(ModelRefreshOptions.RefreshInterval)}: '{options.RefreshInterval}' must be 0 (off) or at least 00:00:01");
        }

        if (options.KeepVersions is < 1 or > 10_000)
        {
            errors.Add($"{Section}:{nameof(ModelRefreshOptions.KeepVersions)}: '{options.KeepVersions}' must be between 1 and 10000");
        }

        if (options.ForestTrees is < 1 or > 1000)
        {
            errors.Add($"{Section}:{nameof(ModelRefreshOptions.ForestTrees)}: '{options.ForestTrees}' must be between 1 and 1000");
        }

        if (options.AutoencoderEpochs is < 1 or > 10_000)
        {
            errors.Add($"{Section}:{nameof(ModelRefreshOptions.AutoencoderEpochs)}: '{options.AutoencoderEpochs}' must be between 1 and 10000");
        }
    }
}
