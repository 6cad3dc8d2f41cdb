using System.Text;
using Google.Protobuf;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>
/// Seeded records for several hosts, turned into profiles with real sketches the way an agent builds them, and
/// kept whole so a test can compute the exact answer (and the sketch built on everything) to compare with.
/// </summary>
internal sealed class FleetData
{
    public const string Stream = "orders";
    public const int HllLgK = 12;
    public const int FrequentLgMaxMapSize = 7;
    public const double Accuracy = 0.01;

    public List<(string Host, ShadowProfile Profile)> Profiles { get; } = [];

    public List<string> Users { get; } = [];

    public List<double> Latencies { get; } = [];

    /// <summary>
    /// <paramref name="hosts"/> hosts × <paramref name="windows"/> 10-second windows of <paramref name="records"/> records:
    /// users Zipf(1.1) over 5,000 (shared across hosts), latency log-normal around 20 ms.
    /// </summary>
    public static FleetData Build(int hosts = 3, int windows = 4, int records = 2000, int seed = 42, Func<int, SamplingInfo?>? sampling = null)
    {
        var data = new FleetData();
        for (var h = 0; h < hosts; h++)
        {
            var zipf = new ZipfSampler(5000, 1.1, seed + h);
            var random = new Random(seed * 31 + h);
            for (var w = 0; w < windows; w++)
            {
                var users = new string[records];
                var latencies = new double[records];
                for (var i = 0; i < records; i++)
                {
                    users[i] = "user-" + zipf.Next();
                    latencies[i] = Math.Exp(3 + (0.8 * Gaussian(random)));
                }

                data.Users.AddRange(users);
                data.Latencies.AddRange(latencies);
                var profile = BuildProfile(w, users, latencies);
                profile.Sampling = sampling?.Invoke(h);
                data.Profiles.Add((HostId(h), profile));
            }
        }

        return data;
    }

    public static string HostId(int index) => "host-" + (char)('a' + index);

    public static long Item(string user) => unchecked((long)KeyHash.Of(Encoding.UTF8.GetBytes(user)));

    public static ShadowProfile BuildProfile(long window, IReadOnlyList<string> users, IReadOnlyList<double> latencies)
    {
        var hll = new HllSketch(HllLgK);
        var frequent = new FrequentItemsSketch(FrequentLgMaxMapSize);
        var ddsketch = new DDSketch(Accuracy);
        foreach (var user in users)
        {
            var (h1, h2) = MurmurHash3.Hash128(Encoding.UTF8.GetBytes(user), KeyHash.DataSketchesSeed);
            hll.Update(h1, h2);
            frequent.Update(unchecked((long)h1));
        }

        foreach (var latency in latencies)
        {
            ddsketch.Add(latency);
        }

        var text = users.Distinct().ToDictionary(Item);
        var key = new KeyProfile
        {
            Field = "user", Present = (ulong)users.Count, Distinct = hll.GetEstimate(), DistinctLower = hll.GetLowerBound(2),
            DistinctUpper = hll.GetUpperBound(2), Hll = ByteString.CopyFrom(HllImage(hll)),
            FrequentItems = ByteString.CopyFrom(frequent.ToByteArray()),
        };
        foreach (var row in frequent.TopK(5, ErrorType.NoFalsePositives))
        {
            key.Top.Add(new HeavyHitter { Item = row.Item, Value = text[row.Item], Estimate = row.Estimate, LowerBound = row.LowerBound, UpperBound = row.UpperBound });
        }

        var skew = Skew.Measure(frequent, hll.GetEstimate(), 5);
        key.Skew = new SkewSummary { K = 5, Top1Share = skew.Top1Share, TopkShare = skew.TopKShare, NormalizedEntropy = skew.NormalizedEntropy, Gini = skew.Gini };

        var n = (ulong)users.Count;
        var profile = Agents.Profile(window, n);
        profile.Volume.Parsed = n;
        profile.Volume.Malformed = 0;
        profile.Numeric.Clear();
        profile.Numeric.Add(new NumericSummary
        {
            Field = "latency_ms", Count = (ulong)latencies.Count, Min = latencies.Min(), Max = latencies.Max(), Sum = latencies.Sum(),
            Mean = latencies.Average(), P50 = ddsketch.P50, P90 = ddsketch.P90, P99 = ddsketch.P99, P999 = ddsketch.P999,
            Ddsketch = ByteString.CopyFrom(ddsketch.ToProtobuf()),
        });
        profile.Keys.Add(key);
        return profile;
    }

    public static byte[] HllImage(HllSketch sketch)
    {
        var image = new byte[sketch.SerializedSize(HllTargetType.Hll8)];
        Assert.True(sketch.TryWriteTo(image, out var written, HllTargetType.Hll8));
        return image[..written];
    }

    /// <summary>Sends every host's profiles over its own agent stream, one batch per host.</summary>
    public async Task IngestAsync(TestAggregator aggregator)
    {
        foreach (var group in Profiles.GroupBy(p => p.Host))
        {
            var (call, _) = await aggregator.ConnectAsync(Agents.Hello(group.Key));
            using (call)
            {
                var ack = await Agents.SendBatchAsync(call, 1, group.Select(p => p.Profile).ToArray());
                Assert.Equal(1UL, ack.AckedThrough);
                await Agents.CloseAsync(call);
            }
        }
    }

    /// <summary>The value at rank floor(q·(n−1)) of all values, DDSketch's quantile definition.</summary>
    public double ExactQuantile(double q)
    {
        var sorted = Latencies.Order().ToList();
        return sorted[(int)Math.Floor(q * (sorted.Count - 1))];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
