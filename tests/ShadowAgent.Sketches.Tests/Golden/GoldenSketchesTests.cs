namespace ShadowAgent.Sketches.Tests.Golden;

public sealed class GoldenSketchesTests
{
    [Fact]
    public void Manifest_EveryListedFile_IsPresentAndParsed()
    {
        Assert.Equal(20, GoldenSketches.Manifest.Count);
        foreach (var entry in GoldenSketches.Manifest)
        {
            Assert.True(File.Exists(Path.Combine(GoldenSketches.Directory, entry.File)), entry.File);
            Assert.NotEmpty(entry.Values);
        }

        Assert.Equal(9966.967969, GoldenSketches.Get("hll_lgk12_hll4_u64_n10000.sk").Number("estimate"));
        Assert.StartsWith("0:10000 97281:118", GoldenSketches.Get("fi_longs_lgmax10.sk").Values["top"], StringComparison.Ordinal);
    }
}
