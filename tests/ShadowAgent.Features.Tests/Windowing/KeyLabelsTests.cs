using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using ShadowAgent.Features.Windowing;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>Heavy hitters carry their key's text, whatever else shares the stream.</summary>
public sealed class KeyLabelsTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Capture_ThenTryGetText_ReturnsTheTextCutAt64Bytes()
    {
        var cache = new KeyLabelCache(2, 10, (_, _) => true);
        var longText = new string('a', 80);
        cache.Capture(0, 1, Utf8("first"));
        cache.Capture(1, 1, Utf8(longText));
        cache.Capture(0, 1, Utf8("ignored: the same hash is the same value"));

        Assert.True(cache.TryGetText(0, 1, out var first));
        Assert.Equal("first", first);
        Assert.True(cache.TryGetText(1, 1, out var cut));
        Assert.Equal(longText[..64], cut);
        Assert.False(cache.TryGetText(0, 2, out var none));
        Assert.Equal("", none);
    }

    [Fact]
    public void Capture_TableFull_SweepsWhatNoPaneCountsAndKeepsTheRest()
    {
        // lg 3: at most 16 texts per key field.
        var counted = new HashSet<long>();
        var cache = new KeyLabelCache(1, 3, (_, item) => counted.Contains(item));
        for (ulong h = 1; h <= 16; h++)
        {
            cache.Capture(0, h, Utf8("v" + h));
            if (h % 4 == 0)
            {
                counted.Add((long)h);
            }
        }

        Assert.Equal(16, cache.Count(0));
        cache.Capture(0, 100, Utf8("v100"));

        Assert.Equal(5, cache.Count(0));
        foreach (ulong h in (ulong[])[4, 8, 12, 16, 100])
        {
            Assert.True(cache.TryGetText(0, h, out var text));
            Assert.Equal("v" + h, text);
        }

        Assert.False(cache.TryGetText(0, 1, out _));
    }

    [Fact]
    public void Capture_EverythingStillCounted_NoTextForTheNewcomerAndNothingLost()
    {
        var cache = new KeyLabelCache(1, 3, (_, _) => true);
        for (ulong h = 1; h <= 17; h++)
        {
            cache.Capture(0, h, Utf8("v" + h));
        }

        Assert.Equal(16, cache.Count(0));
        Assert.False(cache.TryGetText(0, 17, out _));
        Assert.True(cache.TryGetText(0, 16, out _));
    }

    /// <summary>Two keys of which the old cache (128 slots by the top 7 bits of the hash) kept only one.</summary>
    private static (string Heavier, string Lighter) KeysSharingASlot()
    {
        var seen = new Dictionary<ulong, string>();
        for (var i = 0; ; i++)
        {
            var value = "/hot/" + i;
            var slot = KeyHash.Of(Utf8(value)) >> 57;
            if (seen.TryGetValue(slot, out var other))
            {
                return (other, value);
            }

            seen[slot] = value;
        }
    }

    [Fact]
    public void Build_HeavyHittersSharingHashBitsAmongALongTail_AllListedWithTheirText()
    {
        var (heavier, lighter) = KeysSharingASlot();
        var options = new StreamOptions { Name = "s", Window = W, KeyFields = ["route"], Sketches = { TopK = 3 } };
        var (windows, time) = Start(options);
        var sink = windows.Open();
        var w = new RecordWriter(1, 0);
        var random = new Random(3);
        Batch(sink, () =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                var r = random.NextDouble();
                w.Key(0, r < 0.2 ? heavier : r < 0.3 ? lighter : "/tail/" + random.Next(50_000)).Send(sink);
            }
        });
        time.Advance(W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        var top = p.Keys[0].Top;
        Assert.Equal([heavier, lighter], top.Take(2).Select(h => h.Value));
        Assert.Equal(RecordWriter.Item(heavier), top[0].Item);
        Assert.Equal(RecordWriter.Item(lighter), top[1].Item);
    }

    [Fact]
    public void Build_ManyConnectionsAndHops_WindowTopCarriesTextsFromEveryPane()
    {
        var options = new StreamOptions { Name = "s", Window = W, Hop = TimeSpan.FromSeconds(2), KeyFields = ["user", "route"], Sketches = { TopK = 5 } };
        var (windows, time) = Start(options);
        var sinks = Enumerable.Range(0, 4).Select(_ => windows.Open()).ToArray();
        var w = new RecordWriter(2, 0);
        var zipf = new ZipfSampler(20_000, 1.1, 9);
        var profiles = new List<Core.Profiles.WindowProfile>();
        for (var s = 0; s < 30; s++)
        {
            for (var c = 0; c < sinks.Length; c++)
            {
                var sink = sinks[c];
                var second = s;
                Batch(sink, () =>
                {
                    for (var i = 0; i < 2000; i++)
                    {
                        // Each connection's own heavy route, changing every 6 s, over a shared Zipf of users.
                        var route = i % 3 == 0 ? $"/c{c}/epoch{second / 6}" : "/tail/" + (i * 31 % 5000);
                        w.Key(0, "user-" + zipf.Next()).Key(1, route).Send(sink);
                    }
                });
            }

            time.Advance(TimeSpan.FromSeconds(1));
            profiles.AddRange(windows.CloseDue(time.GetUtcNow()));
        }

        Assert.Equal(15, profiles.Count);
        foreach (var p in profiles)
        {
            Assert.All(p.Keys[0].Top, h => Assert.Equal(h.Item, RecordWriter.Item(h.Value)));
            Assert.All(p.Keys[1].Top, h => Assert.Equal(h.Item, RecordWriter.Item(h.Value)));
            Assert.Equal(5, p.Keys[0].Top.Count);
        }

        Assert.Contains(profiles[^1].Keys[1].Top, h => h.Value == "/c3/epoch4");
    }

    [Fact]
    public void OnRecord_LongTailOfKeys_SteadyStateAllocatesNothing()
    {
        var options = new StreamOptions { Name = "s", Window = W, KeyFields = ["route"] };
        var (windows, _) = Start(options);
        var sink = windows.Open();

        // Views built ahead: 50 000 values, Zipf-distributed, so the sketch purges and texts are captured all along.
        var values = Enumerable.Range(0, 50_000).Select(i => Utf8("/route/" + i)).ToArray();
        var hashes = values.Select(v => KeyHash.Of128(v)).ToArray();
        var text = new byte[values.Length * RecordView.MaxKeyTextBytes];
        var lengths = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i].CopyTo(text.AsSpan(i * RecordView.MaxKeyTextBytes));
            lengths[i] = (byte)values[i].Length;
        }

        var zipf = new ZipfSampler(values.Length, 1.05, 4);
        var stream = Enumerable.Range(0, 400_000).Select(_ => zipf.Next() - 1).ToArray();
        void Run(int from, int to)
        {
            sink.BeginBatch();
            for (var i = from; i < to; i++)
            {
                var v = stream[i];
                sink.OnRecord(new RecordView(
                    10,
                    hashes.AsSpan(v, 1),
                    1,
                    [],
                    0,
                    0,
                    text.AsSpan(v * RecordView.MaxKeyTextBytes, RecordView.MaxKeyTextBytes),
                    lengths.AsSpan(v, 1),
                    EventTimeState.NotConfigured,
                    0));
            }

            sink.EndBatch();
        }

        // The first pass grows the text table to its limit (twice the sketch's map); after that nothing allocates.
        Run(0, stream.Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(0, stream.Length);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
