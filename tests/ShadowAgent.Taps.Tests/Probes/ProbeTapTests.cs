using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Probes;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Probes;

public sealed class ProbeTapTests
{
    private static StreamOptions Stream(CgroupTree tree, params string[] fields) => new()
    {
        Name = "web-resources",
        Tap = new TapOptions
        {
            Kind = TapKinds.Probe,
            Probe = new ProbeOptions { Target = "cgroup:" + tree.Relative, CgroupRoots = [tree.Root], Interval = TimeSpan.FromSeconds(1) },
        },
        NumericFields = [.. fields],
    };

    [Fact]
    public async Task SampleOnce_StreamFieldsInOwnOrder_WritesOneRecordInThatOrder()
    {
        using var tree = new CgroupTree();
        tree.Write("cpu.max", "100000 100000\n");
        tree.Write("cpu.stat", "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
        tree.Write("memory.current", "1000\n");
        tree.Write("memory.max", "max\n");
        var sinks = new RecordingSinkFactory();
        var tap = (ProbeTap)TapFactory.Start(Stream(tree, ProbeFields.MemCurrentBytes, ProbeFields.MemLimitBytes, ProbeFields.CpuCoresUsed), sinks, NullLoggerFactory.Instance, new ManualTimeProvider(DateTimeOffset.UnixEpoch));
        tree.Write("cpu.stat", "usage_usec 250000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");

        Assert.True(tap.SampleOnce(1.0));
        await tap.StopAsync(CancellationToken.None);

        var sink = Assert.Single(sinks.Opened);
        var record = Assert.Single(sink.Records);
        Assert.Equal(0b101UL, record.NumbersPresent);
        Assert.Equal(1000, record.Numbers[0]);
        Assert.Equal(0.25, record.Numbers[2], 9);
        Assert.Equal(1, sinks.CloseCalls(sink));
        Assert.Equal(0, sink.ProtocolViolations);
        Assert.Equal("web-resources", tap.StreamName);
    }

    [Fact]
    public async Task Timer_EachInterval_WritesARecord()
    {
        using var tree = new CgroupTree();
        tree.Write("memory.current", "1000\n");
        tree.Write("memory.max", "4000\n");
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var sinks = new RecordingSinkFactory();
        await using var tap = (ProbeTap)TapFactory.Start(Stream(tree, ProbeFields.MemUtil), sinks, NullLoggerFactory.Instance, time);
        await Eventually.Until(() => time.PendingTimers > 0, "the probe's timer is armed");
        for (var i = 1; i <= 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.Until(() => tap.Samples == i, $"{i} samples");
        }

        await tap.StopAsync(CancellationToken.None);
        var sink = Assert.Single(sinks.Opened);
        Assert.Equal(3, sink.Records.Count);
        Assert.All(sink.Records, r => Assert.Equal(0.25, r.Numbers[0], 9));
    }

    [Fact]
    public void SampleOnce_HostProbeOnThisMachine_FillsEveryHostField()
    {
        var stream = new StreamOptions
        {
            Name = "host",
            Tap = new TapOptions { Kind = TapKinds.Probe, Probe = new ProbeOptions { Target = ProbeTargets.Host } },
            NumericFields = [.. ProbeFields.Host],
        };
        var sinks = new RecordingSinkFactory();
        var tap = (ProbeTap)TapFactory.Start(stream, sinks, NullLoggerFactory.Instance, new ManualTimeProvider(DateTimeOffset.UnixEpoch));
        // Burn a little CPU so /proc/stat's counters move between the two readings.
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.ElapsedMilliseconds < 30)
        {
        }

        Assert.True(tap.SampleOnce(0.03));
        var r = Assert.Single(Assert.Single(sinks.Opened).Records);
        Assert.Equal((1UL << ProbeFields.Host.Count) - 1, r.NumbersPresent);
        Assert.InRange(r.Numbers[0], 0, 1);
        Assert.InRange(r.Numbers[1], 0, Environment.ProcessorCount);
        Assert.True(r.Numbers[2] > 0 && r.Numbers[3] > 0);
        Assert.All(r.Numbers, v => Assert.True(v >= 0 && double.IsFinite(v)));
    }
}
