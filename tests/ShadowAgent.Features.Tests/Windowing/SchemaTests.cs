using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>The schema of each window and its drift against the windows before it.</summary>
public sealed class SchemaTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static readonly (string, JsonTypes) User = ("user", JsonTypes.String);
    private static readonly (string, JsonTypes) V = ("v", JsonTypes.Number);
    private static readonly (string, JsonTypes) VText = ("v", JsonTypes.String);
    private static readonly (string, JsonTypes) Opt = ("opt", JsonTypes.Boolean);
    private static readonly (string, JsonTypes) Region = ("region", JsonTypes.String);

    /// <summary>One window per entry: the shapes of its records, split over two connections.</summary>
    private static List<WindowProfile> Run(StreamOptions options, params (string, JsonTypes)[][][] windowsOfRecords)
    {
        var (windows, time) = Start(options);
        var shapes = new[] { new TestShapes(), new TestShapes() };
        var sinks = shapes.Select(s => windows.Open(s)).ToArray();
        var profiles = new List<WindowProfile>();
        foreach (var records in windowsOfRecords)
        {
            for (var c = 0; c < sinks.Length; c++)
            {
                var (sink, shape) = (sinks[c], shapes[c]);
                Batch(sink, () =>
                {
                    for (var i = c; i < records.Length; i += sinks.Length)
                    {
                        shape.Record(records[i]);
                        sink.OnRecord(new RecordView(10, [], 0, [], 0, 0));
                    }
                });
            }

            time.Advance(W);
            profiles.AddRange(windows.CloseDue(time.GetUtcNow()));
        }

        return profiles;
    }

    private static (string, JsonTypes)[][] Records(int count, Func<int, (string, JsonTypes)[]> shape) =>
        Enumerable.Range(0, count).Select(shape).ToArray();

    [Fact]
    public void Build_FieldAppearsThenChangesType_DriftReportedInExactlyThatWindow()
    {
        var options = new StreamOptions { Name = "s", Window = W };
        var steady = Records(20, i => i % 4 == 0 ? [User, V, Opt] : [User, V]);
        var withRegion = Records(20, i => i % 4 == 0 ? [User, V, Opt, Region] : [User, V, Region]);
        var vAsText = Records(20, i => i % 4 == 0 ? [User, VText, Opt, Region] : [User, V, Region]);

        var profiles = Run(options, steady, steady, [], withRegion, withRegion, vAsText, vAsText);

        Assert.Equal(7, profiles.Count);
        Assert.All(profiles, p => Assert.NotNull(p.Schema));
        Assert.Empty(profiles[0].Schema!.Drift);
        Assert.Empty(profiles[1].Schema!.Drift);
        Assert.Empty(profiles[2].Schema!.Drift);
        Assert.Equal(0, profiles[2].Schema!.Records);

        var appeared = Assert.Single(profiles[3].Schema!.Drift);
        Assert.Equal(new SchemaDriftSummary(SchemaDriftSummaryKind.Appeared, "region", JsonTypes.None, JsonTypes.String, 0, 1), appeared);

        // The next window only moves the share of the new field against a baseline still partly without it.
        var shifted = Assert.Single(profiles[4].Schema!.Drift);
        Assert.Equal(new SchemaDriftSummary(SchemaDriftSummaryKind.ShareChanged, "region", JsonTypes.String, JsonTypes.String, 20.0 / 60, 1), shifted);

        var changed = Assert.Single(profiles[5].Schema!.Drift);
        Assert.Equal(SchemaDriftSummaryKind.TypeChanged, changed.Kind);
        Assert.Equal("v", changed.Path);
        Assert.Equal(JsonTypes.Number, changed.OldTypes);
        Assert.Equal(JsonTypes.Number | JsonTypes.String, changed.NewTypes);
        Assert.Equal(1.0, changed.OldShare);
        Assert.Equal(1.0, changed.NewShare);

        // Once in the baseline, the new type is no longer news.
        Assert.Empty(profiles[6].Schema!.Drift);
    }

    [Fact]
    public void Build_Fields_SortedByShareThenPathWithCountsAndFingerprint()
    {
        var options = new StreamOptions { Name = "s", Window = W };
        var records = Records(40, i => (i % 5) switch
        {
            0 => [User, V, Opt, Region, ("a.b", JsonTypes.Null)],
            1 => [User, Region, ("z", JsonTypes.Array)],
            _ => [User, V, Region],
        });

        var p = Assert.Single(Run(options, records));

        var schema = p.Schema!;
        Assert.Equal(40, schema.Records);
        Assert.Equal(0, schema.FieldsOmitted);
        Assert.Equal(
            [("region", 40L), ("user", 40L), ("v", 32L), ("a.b", 8L), ("opt", 8L), ("z", 8L)],
            schema.Fields.Select(f => (f.Path, f.Records)));
        Assert.Equal(JsonTypes.Null, schema.Fields.Single(f => f.Path == "a.b").Types);
        Assert.Equal(TestShapes.PathHash("v"), schema.Fields.Single(f => f.Path == "v").PathHash);

        // The same fields with other counts fingerprint the same.
        var fewer = Assert.Single(Run(options, Records(5, i => (i % 5) switch
        {
            0 => [User, V, Opt, Region, ("a.b", JsonTypes.Null)],
            1 => [User, Region, ("z", JsonTypes.Array)],
            _ => [User, V, Region],
        })));
        Assert.Equal(schema.Fingerprint, fewer.Schema!.Fingerprint);
        var changed = Assert.Single(Run(options, Records(5, i => (i % 5) switch
        {
            0 => [User, VText, Opt, Region, ("a.b", JsonTypes.Null)],
            1 => [User, Region, ("z", JsonTypes.Array)],
            _ => [User, V, Region],
        })));
        Assert.NotEqual(schema.Fingerprint, changed.Schema!.Fingerprint);
    }

    [Fact]
    public void Build_MoreFieldsThanThePerProfileLimit_MostCommonShippedRestCountedAsOmitted()
    {
        var options = new StreamOptions { Name = "s", Window = W, Schema = { MaxFieldsPerProfile = 3 } };
        var records = Records(30, i => [User, .. Enumerable.Range(0, 1 + (i % 6)).Select(f => ("f" + f, JsonTypes.Number))]);

        var p = Assert.Single(Run(options, records));

        Assert.Equal(["f0", "user", "f1"], p.Schema!.Fields.Select(f => f.Path));
        Assert.Equal(7 - 3, p.Schema.FieldsOmitted);
        Assert.Equal(30, p.Schema.Records);
    }

    [Fact]
    public void Build_SchemaDisabled_NoSummary()
    {
        var options = new StreamOptions { Name = "s", Window = W, Schema = { Enabled = false } };

        var p = Assert.Single(Run(options, Records(3, _ => [User])));

        Assert.Null(p.Schema);
    }
}
