using System.Diagnostics.Metrics;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Core.Tests.Telemetry;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Record_RepeatedTagSet_AllocatesNothingAndSums()
    {
        using var meter = new Meter("ShadowAgent.Test.Alloc." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<long>("shadow.test.records");
        KeyValuePair<string, object?>[] tags = [new("stage", "tap"), new("stream", "orders")];
        counter.Add(1, tags);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            counter.Add(2, tags);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Contains("shadow_test_records_total{stage=\"tap\",stream=\"orders\"} 2001", exporter.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void Record_SameTagsInAnotherOrder_LandInOneSeries()
    {
        using var meter = new Meter("ShadowAgent.Test.Order." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<long>("shadow.test.ordered");
        counter.Add(1, [new("b", "2"), new("a", "1")]);
        counter.Add(1, [new("a", "1"), new("b", "2")]);
        counter.Add(5, [new("a", "1"), new("b", "3")]);

        var text = exporter.Collect();
        Assert.Contains("shadow_test_ordered_total{a=\"1\",b=\"2\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("shadow_test_ordered_total{a=\"1\",b=\"3\"} 5", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_MoreTagSetsThanCached_StillCountsEach()
    {
        using var meter = new Meter("ShadowAgent.Test.Many." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<long>("shadow.test.many");
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 200; i++)
            {
                counter.Add(1, [new("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            }
        }

        var text = exporter.Collect();
        Assert.Contains("shadow_test_many_total{id=\"0\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("shadow_test_many_total{id=\"199\"} 2", text, StringComparison.Ordinal);
    }
}
