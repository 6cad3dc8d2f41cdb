using ShadowAgent.Core.Records;
using ShadowAgent.Features.Schema;

namespace ShadowAgent.Features.Tests.Schema;

public sealed class SchemaSnapshotTests
{
    internal static SchemaField F(string path, JsonTypes types, long records) => new(Fnv(path), path, types, records);

    // Any fixed hash of the path will do here; the tap's path hash is tested with the tap.
    private static ulong Fnv(string path)
    {
        var h = 0xCBF29CE484222325;
        foreach (var c in path)
        {
            h = (h ^ c) * 0x100000001B3;
        }

        return h;
    }

    [Fact]
    public void Create_FieldsInAnyOrder_SameFingerprint()
    {
        var a = SchemaSnapshot.Create(10, 0, [F("a", JsonTypes.Number, 10), F("b", JsonTypes.String, 3), F("c.d", JsonTypes.Null, 1)]);
        var b = SchemaSnapshot.Create(7, 0, [F("c.d", JsonTypes.Null, 7), F("a", JsonTypes.Number, 1), F("b", JsonTypes.String, 2)]);

        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(["a", "b", "c.d"], a.Fields.Select(f => f.Path));
    }

    [Fact]
    public void Create_TypeOrFieldDiffers_DifferentFingerprint()
    {
        var baseline = SchemaSnapshot.Create(1, 0, [F("a", JsonTypes.Number, 1), F("b", JsonTypes.String, 1)]);
        var retyped = SchemaSnapshot.Create(1, 0, [F("a", JsonTypes.Number | JsonTypes.String, 1), F("b", JsonTypes.String, 1)]);
        var extra = SchemaSnapshot.Create(1, 0, [F("a", JsonTypes.Number, 1), F("b", JsonTypes.String, 1), F("c", JsonTypes.String, 1)]);

        Assert.NotEqual(baseline.Fingerprint, retyped.Fingerprint);
        Assert.NotEqual(baseline.Fingerprint, extra.Fingerprint);
        Assert.Equal(0UL, SchemaSnapshot.Empty.Fingerprint);
    }

    [Fact]
    public void Create_ZeroRecordFieldsAndDuplicates_DroppedAndUnited()
    {
        var s = SchemaSnapshot.Create(5, 2, [F("a", JsonTypes.Number, 2), F("a", JsonTypes.String, 1), F("z", JsonTypes.None, 0)]);

        var a = Assert.Single(s.Fields);
        Assert.Equal(JsonTypes.Number | JsonTypes.String, a.Types);
        Assert.Equal(3, a.Records);
        Assert.Equal(0.6, s.Share(a.PathHash));
        Assert.Equal(2, s.FieldsOverLimit);
    }

    [Fact]
    public void Create_FieldCarriedByMoreRecordsThanObserved_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SchemaSnapshot.Create(1, 0, [F("a", JsonTypes.Number, 2)]));
    }

    [Fact]
    public void Merge_TwoHosts_UnionsFieldsAndAddsCounts()
    {
        var host1 = SchemaSnapshot.Create(10, 1, [F("a", JsonTypes.Number, 10), F("b", JsonTypes.String, 4)]);
        var host2 = SchemaSnapshot.Create(30, 2, [F("a", JsonTypes.String, 30), F("c", JsonTypes.Boolean, 3)]);

        var merged = SchemaSnapshot.Merge(host1, host2);

        Assert.Equal(40, merged.Records);
        Assert.Equal(3, merged.FieldsOverLimit);
        Assert.Equal(
            [F("a", JsonTypes.Number | JsonTypes.String, 40), F("b", JsonTypes.String, 4), F("c", JsonTypes.Boolean, 3)],
            merged.Fields);
        Assert.Equal(0.1, merged.Share(F("b", default, 0).PathHash));
        Assert.Equal(SchemaSnapshot.Merge(host2, host1).Fingerprint, merged.Fingerprint);
        Assert.Equal(merged.Fingerprint, SchemaSnapshot.Merge(merged, SchemaSnapshot.Empty).Fingerprint);
    }

    [Fact]
    public void Merge_OverMaxFields_KeepsMostCarriedAndCountsRest()
    {
        var many = Enumerable.Range(0, SchemaSnapshot.MaxFields).Select(i => F("f" + i, JsonTypes.Number, 2));
        var a = SchemaSnapshot.Create(2, 0, many);
        var b = SchemaSnapshot.Create(1, 0, [F("rare1", JsonTypes.String, 1), F("rare2", JsonTypes.String, 1)]);

        var merged = SchemaSnapshot.Merge(a, b);

        Assert.Equal(SchemaSnapshot.MaxFields, merged.Fields.Count);
        Assert.DoesNotContain(merged.Fields, f => f.Path.StartsWith("rare", StringComparison.Ordinal));
        Assert.Equal(2, merged.FieldsOverLimit);
    }
}
