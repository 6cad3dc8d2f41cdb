using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>
/// Sampling thins what feeds the sketches, never the volume. The random draws are the accumulator's own,
/// seeded reproducibly here, and sampled totals are checked against four binomial sigmas.
/// </summary>
public sealed class SamplingTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static double FourSigma(long n, double rate) => 4 * Math.Sqrt(n * rate * (1 - rate));

    [Fact]
    public void RandomRate_200kRecords_VolumeExactSampleWithinFourSigmaAndEstimatesScaled()
    {
        const int N = 200_000;
        const double Rate = 0.1;
        var options = new StreamOptions
        {
            Name = "s",
            Window = W,
            KeyFields = ["user"],
            NumericFields = ["latency", "size"],
            Sampling = { Rate = Rate, Mode = SamplingModes.Random },
        };
        var (windows, time) = Start(options);
        var a = windows.Open();
        var b = windows.Open();
        var w = new RecordWriter(1, 2);
        long bytes = 0;
        long withSize = 0;
        var perUser = new long[400];
        for (var i = 0; i < N; i++)
        {
            // Batches of 1000 on both connections, a third of the records on the first.
            if (i % 1000 == 0)
            {
                a.BeginBatch();
                b.BeginBatch();
            }

            var user = i % 400;
            perUser[user]++;
            w.Key(0, "user-" + user).Number(0, 2.5);
            if (i % 4 != 0)
            {
                w.Number(1, 10);
                withSize++;
            }

            var recordBytes = 40 + (i % 50);
            bytes += recordBytes;
            w.Send(i % 3 == 0 ? a : b, recordBytes);
            if (i % 1000 == 999)
            {
                a.EndBatch();
                b.EndBatch();
            }
        }

        time.Advance(W);
        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(N, p.Volume.Parsed);
        Assert.Equal(N, p.Volume.Records);
        Assert.Equal(bytes, p.Volume.Bytes);
        Assert.Equal(new SamplingSummary(SamplingKind.Random, Rate, "", p.Volume.Sampled), p.Sampling);
        Assert.InRange(p.Volume.Sampled, (N * Rate) - FourSigma(N, Rate), (N * Rate) + FourSigma(N, Rate));

        // Numeric counts are the sample's times 1 / rate; min and max are the sample's.
        var latency = p.Numeric[0];
        Assert.Equal((long)Math.Round(p.Volume.Sampled / Rate), latency.Count);
        Assert.InRange(latency.Count, N - (FourSigma(N, Rate) / Rate), N + (FourSigma(N, Rate) / Rate));
        Assert.Equal(2.5 * latency.Count, latency.Sum, 1e-6 * latency.Sum);
        Assert.Equal(2.5, latency.Min);
        Assert.Equal(0, latency.Missing);
        var size = p.Numeric[1];
        Assert.Equal(latency.Count, size.Count + size.Missing);
        Assert.InRange(size.Missing, (N - withSize) - (FourSigma(N - withSize, Rate) / Rate), (N - withSize) + (FourSigma(N - withSize, Rate) / Rate));

        // Keys under random sampling: distinct is the sample's own, counts scale by the rate.
        var key = Assert.Single(p.Keys);
        Assert.Equal(Scaling.SampleOnly, key.DistinctScaling);
        Assert.Equal(Scaling.ByRate, key.CountScaling);
        Assert.Equal(p.Volume.Sampled, key.Present);
        Assert.InRange(key.Distinct, 400 * (1 - (3 * HllSigma(11))), 400 * (1 + (3 * HllSigma(11))));
        Assert.Equal(HllSketch.Read(key.Hll).GetEstimate(), key.Distinct, 1e-9);
        var shipped = FrequentItemsSketch.Read(key.FrequentItems);
        Assert.Equal(p.Volume.Sampled, shipped.StreamLength);
        Assert.Equal(options.Sketches.TopK, key.Top.Count);
        foreach (var h in key.Top)
        {
            // 400 users fit the counters: the sample's counts are exact, and listed times 1 / rate.
            Assert.Equal(h.LowerBound, h.UpperBound);
            Assert.Equal(h.UpperBound, h.Estimate);
            var sampleCount = h.Estimate * Rate;
            Assert.Equal(Math.Round(sampleCount), sampleCount, 1e-9);

            // The shipped sketch (reduced to 24 counters) holds the sample's counts within its bounds.
            Assert.InRange(sampleCount, shipped.LowerBound(h.Item), shipped.UpperBound(h.Item));
            var exact = perUser[int.Parse(h.Value.AsSpan("user-".Length), provider: null)];
            // The top 10 are the largest of 400 sampled counts, so they lean upwards: 5 sigma covers the maximum
            // of 400 draws (a miss has odds of 1e-4 per user set) where 4 sigma would not.
            var slack = 5 * Math.Sqrt(exact * Rate * (1 - Rate)) / Rate;
            Assert.InRange(h.Estimate, exact - slack, exact + slack);
        }
    }

    [Fact]
    public void HashRate_40kUsers_UserAlwaysInOrOutAcrossWindowsAndConnectionsAndCountsExact()
    {
        const int Users = 40_000;
        const double Rate = 0.25;
        const int LgK = 12;
        var options = new StreamOptions
        {
            Name = "s",
            Window = W,
            KeyFields = ["route", "user"],
            Sampling = { Rate = Rate, Mode = SamplingModes.Hash, KeyField = "user" },

            // Counters for every sampled user, shipped whole: each sampled user's count is readable exactly.
            Sketches = { HllLgK = LgK, FrequentItemsLgMaxMapSize = 15, FrequentItemsWireLgMaxMapSize = 15, TopK = 20 },
        };
        var (windows, time) = Start(options);
        var sinks = new[] { windows.Open(), windows.Open(), windows.Open() };
        var w = new RecordWriter(2, 0);
        long PerWindow(int u) => 2 + (u % 4);

        var profiles = new List<WindowProfile>();
        for (var window = 0; window < 3; window++)
        {
            // Each user's records go round the connections, starting from a different one each window.
            var next = window;
            foreach (var sink in sinks)
            {
                sink.BeginBatch();
            }

            for (var u = 0; u < Users; u++)
            {
                for (var j = 0; j < PerWindow(u); j++)
                {
                    w.Key(0, "/r/" + (u % 7)).Key(1, "user-" + u).Send(sinks[next++ % sinks.Length]);
                }
            }

            foreach (var sink in sinks)
            {
                sink.EndBatch();
            }

            time.Advance(W);
            profiles.AddRange(windows.CloseDue(time.GetUtcNow()));
        }

        Assert.Equal(3, profiles.Count);
        HashSet<int>? firstSample = null;
        foreach (var p in profiles)
        {
            Assert.Equal(new SamplingSummary(SamplingKind.Hash, Rate, "user", p.Volume.Sampled), p.Sampling);
            var all = Enumerable.Range(0, Users).Sum(PerWindow);
            Assert.Equal(all, p.Volume.Parsed);

            var user = p.Keys[1];
            Assert.Equal(Scaling.ByRate, user.DistinctScaling);
            Assert.Equal(Scaling.None, user.CountScaling);
            var shipped = FrequentItemsSketch.Read(user.FrequentItems);
            Assert.Equal(0, shipped.MaximumError);
            var sample = new HashSet<int>();
            long sampledRecords = 0;
            for (var u = 0; u < Users; u++)
            {
                var count = shipped.LowerBound(RecordWriter.Item("user-" + u));
                if (count > 0)
                {
                    // In on every connection or on none: a partial count would mean a connection decided otherwise.
                    Assert.Equal(PerWindow(u), count);
                    sample.Add(u);
                    sampledRecords += count;
                }
            }

            Assert.Equal(sampledRecords, p.Volume.Sampled);
            Assert.Equal(sampledRecords, user.Present);
            Assert.InRange(sample.Count, (Users * Rate) - FourSigma(Users, Rate), (Users * Rate) + FourSigma(Users, Rate));
            firstSample ??= sample;
            Assert.True(firstSample.SetEquals(sample), "The sampled users differ between windows.");

            // The distinct estimate scales by the rate: HLL's error plus the sampling's.
            var slack = (3 * HllSigma(LgK) * Users) + (FourSigma(Users, Rate) / Rate);
            Assert.InRange(user.Distinct, Users - slack, Users + slack);
            Assert.Equal(HllSketch.Read(user.Hll).GetEstimate() / Rate, user.Distinct, 1e-9 * Users);
            Assert.InRange(user.Distinct, user.DistinctLower, user.DistinctUpper);

            // Heavy hitters of the sampling key are exact counts.
            Assert.NotEmpty(user.Top);
            foreach (var h in user.Top)
            {
                var u = int.Parse(h.Value.AsSpan("user-".Length), provider: null);
                Assert.Contains(u, sample);
                Assert.Equal(PerWindow(u), h.Estimate);
                Assert.Equal(PerWindow(u), h.LowerBound);
                Assert.Equal(PerWindow(u), h.UpperBound);
            }

            // Another key follows the record sample: its distinct is the sample's, its counts scale.
            var route = p.Keys[0];
            Assert.Equal(Scaling.SampleOnly, route.DistinctScaling);
            Assert.Equal(Scaling.ByRate, route.CountScaling);
            Assert.Equal(sampledRecords, route.Present);
            var routeCounts = sample.GroupBy(u => u % 7).ToDictionary(g => "/r/" + g.Key, g => g.Sum(PerWindow));
            Assert.Equal(7, route.Top.Count);
            foreach (var h in route.Top)
            {
                Assert.Equal(routeCounts[h.Value] / Rate, h.Estimate, 1e-9);
            }
        }
    }

    [Fact]
    public void HashRate_RecordsWithoutTheKey_SampledAtRandomAtTheRate()
    {
        const int N = 100_000;
        const double Rate = 0.5;
        var options = new StreamOptions
        {
            Name = "s",
            Window = W,
            KeyFields = ["user"],
            Sampling = { Rate = Rate, Mode = SamplingModes.Hash, KeyField = "user" },
        };
        var (windows, time) = Start(options);
        var sink = windows.Open();
        var w = new RecordWriter(1, 0);
        Batch(sink, () =>
        {
            for (var i = 0; i < N; i++)
            {
                w.Send(sink);
            }
        });
        time.Advance(W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(N, p.Volume.Parsed);
        Assert.InRange(p.Volume.Sampled, (N * Rate) - FourSigma(N, Rate), (N * Rate) + FourSigma(N, Rate));
        Assert.Equal(0, p.Keys[0].Present);
    }

    [Fact]
    public void NoSampling_AllRecordsShadowedAndNothingScaled()
    {
        var options = new StreamOptions { Name = "s", Window = W, KeyFields = ["user"], NumericFields = ["v"] };
        var (windows, time) = Start(options);
        var sink = windows.Open();
        var w = new RecordWriter(1, 1);
        Batch(sink, () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                w.Key(0, "u" + (i % 10)).Number(0, i).Send(sink);
            }
        });
        time.Advance(W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(new SamplingSummary(SamplingKind.All, 1.0, "", 1000), p.Sampling);
        Assert.Equal(1000, p.Volume.Sampled);
        Assert.Equal(1000, p.Numeric[0].Count);
        Assert.Equal(Scaling.None, p.Keys[0].DistinctScaling);
        Assert.Equal(Scaling.None, p.Keys[0].CountScaling);
        Assert.All(p.Keys[0].Top, h => Assert.Equal(100, h.Estimate));
    }
}
