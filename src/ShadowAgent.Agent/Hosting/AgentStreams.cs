using ShadowAgent.Agent.Configuration;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Windowing;

namespace ShadowAgent.Agent.Hosting;

/// <summary>The configured streams and their windows, shared by the taps and the window closer.</summary>
internal sealed class AgentStreams
{
    public AgentStreams(AgentOptions options, TimeProvider time)
    {
        Streams = [.. options.Streams.Select(s => (s, new StreamWindows(s, time)))];
    }

    public IReadOnlyList<(StreamOptions Options, StreamWindows Windows)> Streams { get; }

    /// <summary>The earliest window end after <paramref name="now"/> across streams.</summary>
    public DateTimeOffset NextBoundary(DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var (_, windows) in Streams)
        {
            var boundary = windows.NextBoundary(now);
            if (boundary < next)
            {
                next = boundary;
            }
        }

        return next;
    }

    public List<WindowProfile> CloseDue(DateTimeOffset now)
    {
        var profiles = new List<WindowProfile>();
        foreach (var (_, windows) in Streams)
        {
            profiles.AddRange(windows.CloseDue(now));
        }

        return profiles;
    }

    public List<WindowProfile> CloseAllPartial()
    {
        var profiles = new List<WindowProfile>();
        foreach (var (_, windows) in Streams)
        {
            profiles.AddRange(windows.CloseAll(partial: true));
        }

        return profiles;
    }
}
