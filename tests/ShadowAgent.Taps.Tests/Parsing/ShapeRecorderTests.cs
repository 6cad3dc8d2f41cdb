using System.Text;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Tests.Parsing;

public sealed class ShapeRecorderTests
{
    private static Dictionary<string, ShapeField> Shape(ShapeRecorder recorder)
    {
        var fields = new Dictionary<string, ShapeField>();
        for (var i = 0; i < recorder.FieldCount; i++)
        {
            var field = recorder.Field(i);
            fields.Add(field.Path, field);
        }

        return fields;
    }

    private static (NdJsonFieldExtractor Extractor, ShapeRecorder Recorder) Create(int maxFields = ShapeRecorder.DefaultMaxFields, int maxPathChars = ShapeRecorder.DefaultMaxPathChars)
    {
        var recorder = new ShapeRecorder(maxFields, maxPathChars);
        return (new NdJsonFieldExtractor(FieldTrie.Compile(["user.id"], ["latency_ms"]), recorder), recorder);
    }

    private static bool Feed(NdJsonFieldExtractor extractor, string line) => extractor.TryExtract(Encoding.UTF8.GetBytes(line), out _);

    [Fact]
    public void TryExtract_NestedObjectsAndArrays_RecordsPathsAndTypes()
    {
        var (extractor, recorder) = Create();

        Assert.True(Feed(extractor, """{"a":1,"b":{"c":"x","d":[1,"y",null,{"e":true}]},"f":[],"g":null}"""));

        var shape = Shape(recorder);
        Assert.Equal(["a", "b", "b.c", "b.d", "b.d[]", "b.d[].e", "f", "g"], shape.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(JsonTypes.Number, shape["a"].Types);
        Assert.Equal(JsonTypes.Object, shape["b"].Types);
        Assert.Equal(JsonTypes.String, shape["b.c"].Types);
        Assert.Equal(JsonTypes.Array, shape["b.d"].Types);
        Assert.Equal(JsonTypes.Number | JsonTypes.String | JsonTypes.Null | JsonTypes.Object, shape["b.d[]"].Types);
        Assert.Equal(JsonTypes.Boolean, shape["b.d[].e"].Types);
        Assert.Equal(JsonTypes.Array, shape["f"].Types);
        Assert.Equal(JsonTypes.Null, shape["g"].Types);
        Assert.All(shape.Values, f => Assert.Equal(1, f.Records));
        Assert.Equal(1, recorder.Records);
    }

    [Fact]
    public void TryExtract_ArrayRepeatsField_CountsOncePerRecord()
    {
        var (extractor, recorder) = Create();

        Assert.True(Feed(extractor, """{"items":[{"id":1},{"id":2},{"id":"3"}]}"""));
        Assert.True(Feed(extractor, """{"items":[{"id":4}]}"""));
        Assert.True(Feed(extractor, """{"other":true}"""));

        var shape = Shape(recorder);
        Assert.Equal(3, recorder.Records);
        Assert.Equal(2, shape["items"].Records);
        Assert.Equal(2, shape["items[]"].Records);
        Assert.Equal(2, shape["items[].id"].Records);
        Assert.Equal(JsonTypes.Number | JsonTypes.String, shape["items[].id"].Types);
        Assert.Equal(1, shape["other"].Records);
    }

    [Fact]
    public void TryExtract_DuplicateProperty_CountsOnceWithBothTypes()
    {
        var (extractor, recorder) = Create();

        Assert.True(Feed(extractor, """{"a":1,"a":"x"}"""));

        var a = Assert.Single(Shape(recorder).Values);
        Assert.Equal(1, a.Records);
        Assert.Equal(JsonTypes.Number | JsonTypes.String, a.Types);
    }

    [Fact]
    public void TryExtract_EscapedName_SamePathAsPlainName()
    {
        var (extractor, recorder) = Create();

        Assert.True(Feed(extractor, """{"user":{"id":"1"}}"""));
        Assert.True(Feed(extractor, """{"u\u0073er":{"\u0069d":2}}"""));

        var shape = Shape(recorder);
        Assert.Equal(2, shape.Count);
        Assert.Equal(2, shape["user.id"].Records);
        Assert.Equal(JsonTypes.String | JsonTypes.Number, shape["user.id"].Types);
    }

    [Fact]
    public void TryExtract_SameNameUnderDifferentParents_DistinctPaths()
    {
        var (extractor, recorder) = Create();

        Assert.True(Feed(extractor, """{"a":{"x":1},"b":{"x":"s"},"x":[true]}"""));

        var shape = Shape(recorder);
        Assert.Equal(JsonTypes.Number, shape["a.x"].Types);
        Assert.Equal(JsonTypes.String, shape["b.x"].Types);
        Assert.Equal(JsonTypes.Array, shape["x"].Types);
        Assert.Equal(JsonTypes.Boolean, shape["x[]"].Types);
        Assert.Equal(6, shape.Values.Select(f => f.PathHash).Distinct().Count());
    }

    [Fact]
    public void TryExtract_MalformedRecord_CountsNothing()
    {
        var (extractor, recorder) = Create();
        Assert.True(Feed(extractor, """{"a":1}"""));

        Assert.False(Feed(extractor, """{"a":"x","b":2,"""));

        var shape = Shape(recorder);
        Assert.Equal(1, recorder.Records);
        Assert.Equal(1, shape["a"].Records);
        Assert.Equal(JsonTypes.Number, shape["a"].Types);
        Assert.Equal(0, shape["b"].Records);
        Assert.Equal(JsonTypes.None, shape["b"].Types);
    }

    [Fact]
    public void TryExtract_TenThousandDistinctNames_CappedAndCounted()
    {
        var (extractor, recorder) = Create();
        var line = new StringBuilder("{");
        for (var i = 0; i < 10_000; i++)
        {
            line.Append(i == 0 ? "" : ",").Append("\"f").Append(i).Append("\":").Append(i);
        }

        Assert.True(Feed(extractor, line.Append('}').ToString()));

        Assert.Equal(ShapeRecorder.DefaultMaxFields, recorder.FieldCount);
        Assert.Equal(10_000 - ShapeRecorder.DefaultMaxFields, recorder.FieldsOverLimit);
        Assert.Equal("f0", recorder.Field(0).Path);
        Assert.Equal(1, recorder.Field(ShapeRecorder.DefaultMaxFields - 1).Records);
    }

    [Fact]
    public void TryExtract_TableFull_KnownPathsStillCountAndChildrenOfUntrackedAreOverLimit()
    {
        var (extractor, recorder) = Create(maxFields: 2);

        Assert.True(Feed(extractor, """{"a":1,"b":{"c":1,"d":[1,2]}}"""));
        Assert.True(Feed(extractor, """{"b":{},"a":2,"z":[1]}"""));

        var shape = Shape(recorder);
        Assert.Equal(["a", "b"], shape.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, shape["a"].Records);
        Assert.Equal(2, shape["b"].Records);

        // c, d, d's elements (once per array); then z and z's elements.
        Assert.Equal(5, recorder.FieldsOverLimit);
    }

    [Fact]
    public void TryExtract_DeepNesting_MalformedAndRecorderUsableAfter()
    {
        var (extractor, recorder) = Create();
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 71);
        var deepArrays = "{\"a\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.False(extractor.TryExtract(Encoding.UTF8.GetBytes(deep), out var error));
        Assert.Equal(RecordError.Malformed, error);
        Assert.False(Feed(extractor, deepArrays));
        Assert.True(Feed(extractor, """{"a":{"a":1}}"""));

        Assert.Equal(1, recorder.Records);
        Assert.Equal(1, Shape(recorder)["a.a"].Records);
        Assert.Equal(JsonTypes.Number, Shape(recorder)["a.a"].Types);
    }

    [Fact]
    public void TryExtract_DeepestAllowedNesting_RecordsEveryLevel()
    {
        var (extractor, recorder) = Create();

        // The record's object plus 63 nested ones is the reader's limit of 64.
        var line = string.Concat(Enumerable.Repeat("{\"a\":", 63)) + "{}" + new string('}', 63);

        Assert.True(Feed(extractor, line));
        Assert.Equal(63, recorder.FieldCount);
    }

    [Fact]
    public void TryExtract_LongPath_DisplayTextCut()
    {
        var (extractor, recorder) = Create(maxPathChars: 16);

        Assert.True(Feed(extractor, """{"abcdefghij":{"klmnopqrst":{"uv":1}}}"""));

        var paths = Enumerable.Range(0, recorder.FieldCount).Select(i => recorder.Field(i).Path).ToArray();
        Assert.Equal(["abcdefghij", "abcdefghij.klmn…", "abcdefghij.klmn…"], paths);
        Assert.Equal(3, Enumerable.Range(0, recorder.FieldCount).Select(i => recorder.Field(i).PathHash).Distinct().Count());
    }

    [Fact]
    public void TryExtract_FieldOrderDiffers_SameHashesAndTypes()
    {
        var (first, one) = Create();
        var (second, two) = Create();

        Assert.True(Feed(first, """{"a":1,"b":{"c":"x","d":[true]}}"""));
        Assert.True(Feed(second, """{"b":{"d":[false],"c":"y"},"a":2.5}"""));

        var x = Shape(one).Values.Select(f => (f.PathHash, f.Types)).Order();
        var y = Shape(two).Values.Select(f => (f.PathHash, f.Types)).Order();
        Assert.Equal(x, y);
    }

    [Fact]
    public void Reset_ForgetsWindow_KeysStayStableAcrossWindows()
    {
        var (extractor, recorder) = Create();
        Assert.True(Feed(extractor, """{"a":[1]}"""));
        var before = Shape(recorder);

        recorder.Reset();
        Assert.Equal(0, recorder.FieldCount);
        Assert.Equal(0, recorder.Records);
        Assert.True(Feed(extractor, """{"a":[1]}"""));

        var after = Shape(recorder);
        Assert.Equal(before, after);
    }

    [Fact]
    public void TryExtract_WithRecorder_ExtractsSameFields()
    {
        var (extractor, _) = Create();
        var line = Encoding.UTF8.GetBytes("""{"user":{"id":"u-1"},"latency_ms":3.5,"x":[{"y":1}]}""");

        Assert.True(extractor.TryExtract(line, out _));
        var view = extractor.View(line.Length);

        Assert.Equal(1UL, view.KeysPresent);
        Assert.Equal(3.5, view.Numbers[0]);
    }

    [Fact]
    public void TryExtract_SteadyState_AllocatesNothing()
    {
        var (extractor, recorder) = Create();
        var line = Encoding.UTF8.GetBytes("""{"ts":1,"user":{"id":"u-1","t\u0069er":"gold"},"tags":["a","b"],"latency_ms":3.5,"ok":true}""");
        Assert.True(extractor.TryExtract(line, out _));

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            extractor.TryExtract(line, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
        Assert.Equal(1001, recorder.Records);
    }

    [Fact]
    public void Field_IndexOutOfRange_Throws()
    {
        var recorder = new ShapeRecorder();

        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.Field(0));
    }
}
