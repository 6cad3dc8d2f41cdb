namespace ShadowAgent.Aggregator.Hosting;

/// <summary>Checks the options at start; every error names the configuration key it is about.</summary>
internal static class AggregatorOptionsValidator
{
    // Every merged profile is parsed and its sketches decoded in the request; past this one request holds gigabytes.
    private const int MaxFleetProfiles = 1_000_000;

    public static List<string> Validate(AggregatorOptions options)
    {
        var errors = new List<string>();
        var section = AggregatorOptions.Section;

        var grpc = CheckAddress(errors, $"{section}:{nameof(AggregatorOptions.GrpcListen)}", options.GrpcListen);
        var http = CheckAddress(errors, $"{section}:{nameof(AggregatorOptions.HttpListen)}", options.HttpListen);
        if (grpc is { Port: > 0 } g && http is { Port: > 0 } h && g.Port == h.Port &&
            (g.Address is null || h.Address is null || g.Address.Equals(h.Address)))
        {
            errors.Add($"{section}:{nameof(AggregatorOptions.HttpListen)}: '{options.HttpListen}' collides with {section}:{nameof(AggregatorOptions.GrpcListen)} '{options.GrpcListen}'");
        }

        if (options.ProfileRetention <= TimeSpan.Zero)
        {
            errors.Add($"{section}:{nameof(AggregatorOptions.ProfileRetention)}: '{options.ProfileRetention}' must be positive");
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{section}:{nameof(AggregatorOptions.HeartbeatInterval)}: '{options.HeartbeatInterval}' must be between 00:00:00.1 and 01:00:00");
        }

        foreach (var (stream, level) in options.StreamCriticality)
        {
            if (!Signals.SignalPolicy.Thresholds.ContainsKey(level))
            {
                errors.Add($"{section}:{nameof(AggregatorOptions.StreamCriticality)}:{stream}: '{level}' is not one of critical, normal, low");
            }
        }

        if (options.FleetMaxProfiles is < 1 or > MaxFleetProfiles)
        {
            errors.Add($"{section}:{nameof(AggregatorOptions.FleetMaxProfiles)}: '{options.FleetMaxProfiles}' must be between 1 and {MaxFleetProfiles}");
        }

        Models.ModelRefreshOptionsValidator.Validate(options.Models, errors);

        if (options.DatabasePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"{section}:{nameof(AggregatorOptions.DatabasePath)}: '{options.DatabasePath}' is not a valid path");
        }

        return errors;
    }

    private static ListenAddress? CheckAddress(List<string> errors, string key, string value)
    {
        if (ListenAddress.TryParse(value, out var address))
        {
            return address;
        }

        errors.Add($"{key}: '{value}' is not host:port");
        return null;
    }
}
