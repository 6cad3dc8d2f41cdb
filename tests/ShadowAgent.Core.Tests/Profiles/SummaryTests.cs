using ShadowAgent.Core.Profiles;

namespace ShadowAgent.Core.Tests.Profiles;

public sealed class SummaryTests
{
    [Fact]
    public void NumericSummary_MergeOfParts_EqualsWhole()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 1000).Select(_ => random.NextDouble() * 100 - 20).ToArray();
        var whole = NumericSummary.Empty;
        var left = NumericSummary.Empty;
        var right = NumericSummary.Empty;
        for (var i = 0; i < values.Length; i++)
        {
            whole.Add(values[i]);
            if (i % 3 == 0)
            {
                left.Add(values[i]);
            }
            else
            {
                right.Add(values[i]);
            }
        }

        left.Merge(right);
        Assert.Equal(whole.Count, left.Count);
        Assert.Equal(whole.Min, left.Min);
        Assert.Equal(whole.Max, left.Max);
        Assert.Equal(whole.Mean, left.Mean, 9);
        Assert.Equal(values.Min(), whole.Min);
        Assert.Equal(values.Max(), whole.Max);
    }

    [Fact]
    public void VolumeCounters_Records_IsSumOfOutcomes()
    {
        var v = new VolumeCounters { Parsed = 10, Malformed = 2, InvalidUtf8 = 1, Oversize = 3, DroppedRecords = 4 };
        v.Add(v);
        Assert.Equal(40, v.Records);
        Assert.Equal(12, v.Errors);
    }
}
