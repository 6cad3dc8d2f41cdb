using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using ShadowAgent.Sketches.Cardinality;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>Hopping windows of 10 s every 2 s: five panes per window, each pane counted in five windows.</summary>
public sealed class HoppingWindowTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Hop = TimeSpan.FromSeconds(2);

    private static StreamOptions Options() => new()
    {
        Name = "s",
        Window = W,
        Hop = Hop,
        KeyFields = ["user"],
        NumericFields = ["v"],
    };

    /// <summary>
    /// 40 s of traffic on two connections, one batch per connection per second; second s sends 50 + 7·(s mod 5)
    /// records, user values drawn from a range that moves with time so windows share some users and not others.
    /// </summary>
    private static (List<WindowProfile> Profiles, List<(DateTimeOffset At, string User, double Value, int Bytes)> Sent) Run(int seconds)
    {
        var (windows, time) = Start(Options());
        var sinks = new[] { windows.Open(), windows.Open() };
        var w = new RecordWriter(1, 1);
        var random = new Random(5);
        var sent = new List<(DateTimeOffset, string, double, int)>();
        var profiles = new List<WindowProfile>();
        for (var s = 0; s < seconds; s++)
        {
            var now = time.GetUtcNow();
            var count = 50 + (7 * (s % 5));
            for (var c = 0; c < sinks.Length; c++)
            {
                var sink = sinks[c];
                Batch(sink, () =>
                {
                    for (var i = 0; i < count; i++)
                    {
                        var user = "u" + ((s * 40) + random.Next(400));
                        var value = random.NextDouble() * 100;
                        var bytes = 20 + random.Next(80);
                        w.Key(0, user).Number(0, value).Send(sink, bytes);
                        sent.Add((now, user, value, bytes));
                    }
                });
            }

            time.Advance(TimeSpan.FromSeconds(1));
            profiles.AddRange(windows.CloseDue(time.GetUtcNow()));
        }

        return (profiles, sent);
    }

    [Fact]
    public void CloseDue_HoppingWindows_EachCoversTheWindowAndOverlapsTheNextByAllButOneHop()
    {
        var (profiles, _) = Run(40);

        Assert.Equal(20, profiles.Count);
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            Assert.Equal(W, p.WindowEnd - p.WindowStart);
            Assert.Equal(Hop, p.Hop);
            Assert.Equal(T0 + ((i + 1) * Hop), p.WindowEnd);
            Assert.NotNull(p.HopVolume);

            // The first four windows began before the stream did.
            Assert.Equal(i < 4, p.Partial);
            Assert.Equal(i < 4 ? (i + 1) * Hop : W, p.Covered);
            if (i > 0)
            {
                Assert.Equal(profiles[i - 1].WindowStart + Hop, p.WindowStart);
            }
        }
    }

    [Fact]
    public void CloseDue_HoppingWindows_HopVolumesSumToWhatWasSentAndAWindowIsItsFiveHops()
    {
        var (profiles, sent) = Run(40);

        Assert.Equal(sent.Count, profiles.Sum(p => p.HopVolume!.Value.Parsed));
        Assert.Equal(sent.Sum(s => (long)s.Bytes), profiles.Sum(p => p.HopVolume!.Value.Bytes));
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            var hops = profiles.Skip(Math.Max(0, i - 4)).Take(Math.Min(5, i + 1)).Select(x => x.HopVolume!.Value).ToList();
            Assert.Equal(hops.Sum(h => h.Parsed), p.Volume.Parsed);
            Assert.Equal(hops.Sum(h => h.Bytes), p.Volume.Bytes);
            Assert.Equal(hops.Sum(h => h.Sampled), p.Volume.Sampled);
            Assert.Equal(hops.Sum(h => h.ConnectionsAccepted), p.Volume.ConnectionsAccepted);

            // Exact against what was sent in [start, end).
            var inWindow = sent.Where(s => s.At >= p.WindowStart && s.At < p.WindowEnd).ToList();
            var inHop = sent.Where(s => s.At >= p.WindowEnd - Hop && s.At < p.WindowEnd).ToList();
            Assert.Equal(inWindow.Count, p.Volume.Parsed);
            Assert.Equal(inHop.Count, p.HopVolume!.Value.Parsed);
            Assert.Equal(inWindow.Count, p.Numeric[0].Count);
            if (inWindow.Count > 0)
            {
                Assert.Equal(inWindow.Min(s => s.Value), p.Numeric[0].Min);
                Assert.Equal(inWindow.Max(s => s.Value), p.Numeric[0].Max);
                Assert.Equal(inWindow.Sum(s => s.Value), p.Numeric[0].Sum, 1e-9 * p.Numeric[0].Sum);
            }
        }
    }

    [Fact]
    public void CloseDue_HoppingWindows_DistinctIsTheUnionOfTheHops()
    {
        var (profiles, sent) = Run(40);
        var lgK = Options().Sketches.HllLgK;

        foreach (var p in profiles.Where(p => p.Volume.Parsed > 0))
        {
            var users = sent.Where(s => s.At >= p.WindowStart && s.At < p.WindowEnd).Select(s => s.User).Distinct().ToList();
            var union = new HllSketch(lgK);
            foreach (var user in users)
            {
                var h = RecordWriter.Hash(user);
                union.Update(h.H1, h.H2);
            }

            // The window's registers are the union's registers, and its estimate is near the exact union.
            var key = p.Keys[0];
            Assert.Equal(union.GetCompositeEstimate(), HllSketch.Read(key.Hll).GetCompositeEstimate(), 1e-9 * users.Count);
            Assert.InRange(key.Distinct, users.Count * (1 - (3 * HllSigma(lgK))), users.Count * (1 + (3 * HllSigma(lgK))));
            Assert.Equal(sent.Count(s => s.At >= p.WindowStart && s.At < p.WindowEnd), key.Present);
        }
    }
}
