using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Recording;
using ShadowAgent.Mirror.Shadow;

namespace ShadowAgent.Mirror.Proxy;

/// <summary>What every client connection of one mirror shares.</summary>
internal sealed class MirrorContext
{
    public required string Stream { get; init; }

    public required MirrorOptions Options { get; init; }

    public required PrimaryPool Pool { get; init; }

    public required MirrorSampler Sampler { get; init; }

    public required ShadowSender Sender { get; init; }

    public required ShadowPlan Plan { get; init; }

    /// <summary>The body comparison, or null when the profile has none or the stream lists neither of its fields.</summary>
    public Diff.BodyDiffPlan? BodyDiff { get; init; }

    public required MirrorRecorder Recorder { get; init; }

    public required MirrorMetrics Metrics { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }
}
