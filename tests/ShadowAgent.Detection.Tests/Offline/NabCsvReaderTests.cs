using ShadowAgent.Detection.Offline;

namespace ShadowAgent.Detection.Tests.Offline;

public class NabCsvReaderTests
{
    private static List<NabRow> ReadAll(string text)
    {
        var reader = new NabCsvReader(new StringReader(text), "in.csv");
        var rows = new List<NabRow>();
        while (reader.TryRead(out var row))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public void TryRead_NabRows_KeepTheirTextAndLineNumbers()
    {
        var rows = ReadAll("timestamp,value\n2014-04-01 00:00:00,20.0\n2014-04-01 00:05:00,-1.5e3\n2014-04-01 00:05:00.250,7\n\n");
        Assert.Equal(3, rows.Count);
        Assert.Equal(new DateTime(2014, 4, 1, 0, 5, 0), rows[1].Timestamp);
        Assert.Equal(-1500, rows[1].Value);
        Assert.Equal("20.0", rows[0].ValueText);
        Assert.Equal(4, rows[2].Line);
    }

    [Theory]
    [InlineData("", 1, "empty input")]
    [InlineData("time,value\n", 1, "header")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01T00:05:00,2\n", 3, "timestamp")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,abc\n", 2, "not a finite number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,NaN\n", 2, "not a finite number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1,2\n", 2, "two fields")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00\n", 2, "two fields")]
    [InlineData("timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:00:00,1\n", 3, "earlier")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n\n2014-04-01 00:05:00,1\n", 3, "blank line")]
    public void TryRead_BadInput_NamesTheLine(string text, long line, string problem)
    {
        var ex = Assert.Throws<NabCsvException>(() => ReadAll(text));
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"in.csv:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }
}
