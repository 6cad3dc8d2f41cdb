using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Aggregator.Tests;

public sealed partial class MetricsTests
{
    // A sample line of the 0.0.4 text format: name, optional {labels}, value.
    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.eE+-]+|[+-]Inf|NaN)$""")]
    private static partial Regex SampleLine();

    [Fact]
    public async Task Metrics_AfterIngest_ParsesAsPrometheusText()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0), Agents.Profile(1));
            using var response = await aggregator.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            var text = await response.Content.ReadAsStringAsync();

            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) || SampleLine().IsMatch(line), line);
            }

            Assert.Contains("# TYPE shadow_aggregator_profiles_stored_total counter\n", text, StringComparison.Ordinal);
            Assert.Contains("\nshadow_aggregator_profiles_stored_total 2\n", text, StringComparison.Ordinal);
            Assert.Contains("\nshadow_aggregator_batches_received_total 1\n", text, StringComparison.Ordinal);
            Assert.Contains("\nshadow_aggregator_agents_connected 1\n", text, StringComparison.Ordinal);
            Assert.Contains("\nshadow_aggregator_store_write_duration_milliseconds_count 1\n", text, StringComparison.Ordinal);
            Assert.Contains("shadow_aggregator_store_write_duration_milliseconds_bucket{le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
            await Agents.CloseAsync(call);
        }
    }

    [Fact]
    public void Collect_LabelValuesAndHistogram_EscapedAndCumulative()
    {
        using var meter = new Meter("ShadowAgent.Test." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<long>("test.weird-name.count", description: "line\none");
        counter.Add(2, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        counter.Add(3, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        var histogram = meter.CreateHistogram<double>("test.latency", unit: "ms");
        histogram.Record(0.7);
        histogram.Record(7);
        using var other = new Meter("Other.Meter");
        other.CreateCounter<long>("other.count").Add(1);

        var text = exporter.Collect();

        Assert.Contains("# HELP test_weird_name_count_total line\\none\n", text, StringComparison.Ordinal);
        Assert.Contains("test_weird_name_count_total{path=\"a\\\"b\\\\c\\nd\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("test_latency_milliseconds_bucket{le=\"0.5\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("test_latency_milliseconds_bucket{le=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("test_latency_milliseconds_bucket{le=\"10\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("test_latency_milliseconds_sum " + 7.7.ToString("R", CultureInfo.InvariantCulture) + "\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other_count", text, StringComparison.Ordinal);
    }
}
