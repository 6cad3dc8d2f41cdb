using System.Globalization;
using ShadowAgent.Detection.Offline;

namespace ShadowAgent.Detection.Tests.Offline;

public sealed class DetectCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("detect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_NabSeries_WritesOneScorePerRowInNabResultFormat()
    {
        var input = Path.Combine(TestSeries.NabFolder, "realAWSCloudwatch", "ec2_cpu_utilization_24ae8d.csv");
        var output = Path.Combine(_dir, "out.csv");
        var stderr = new StringWriter();
        Assert.Equal(0, DetectCommand.Run([input, output], TextReader.Null, TextWriter.Null, stderr));

        var inLines = File.ReadAllLines(input);
        var outLines = File.ReadAllLines(output);
        Assert.Equal("timestamp,value,anomaly_score", outLines[0]);
        Assert.Equal(inLines.Length, outLines.Length);
        for (var i = 1; i < outLines.Length; i++)
        {
            Assert.StartsWith(inLines[i] + ",", outLines[i], StringComparison.Ordinal);
            var score = double.Parse(outLines[i][(outLines[i].LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture);
            Assert.InRange(score, 0, 1);
        }

        Assert.Contains($"{inLines.Length - 1} rows scored", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Run_StandardStreams_MatchesTheFileRun()
    {
        var text = File.ReadAllText(Path.Combine(TestSeries.NabFolder, "artificialWithAnomaly", "art_daily_jumpsup.csv"));
        var viaStdout = new StringWriter();
        Assert.Equal(0, DetectCommand.Run(["-"], new StringReader(text), viaStdout, TextWriter.Null));

        var input = Path.Combine(_dir, "in.csv");
        File.WriteAllText(input, text);
        var output = Path.Combine(_dir, "out.csv");
        Assert.Equal(0, DetectCommand.Run([input, output], TextReader.Null, TextWriter.Null, TextWriter.Null));
        Assert.Equal(File.ReadAllText(output), viaStdout.ToString());
    }

    [Fact]
    public void Run_BadLine_ExitsTwoNamingTheLineAndLeavesNoOutputFile()
    {
        var input = Path.Combine(_dir, "in.csv");
        File.WriteAllText(input, "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,x\n");
        var output = Path.Combine(_dir, "out.csv");
        var stderr = new StringWriter();
        Assert.Equal(2, DetectCommand.Run([input, output], TextReader.Null, TextWriter.Null, stderr));
        Assert.Contains($"{input}:3: value 'x'", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData]
    [InlineData("a.csv", "b.csv", "c.csv")]
    [InlineData("--bogus")]
    public void Run_BadArguments_PrintsUsageAndExitsTwo(params string[] args)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, DetectCommand.Run(args, TextReader.Null, TextWriter.Null, stderr));
        Assert.Contains("usage: shadow-agent detect", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingInput_ExitsTwo()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, DetectCommand.Run([Path.Combine(_dir, "none.csv")], TextReader.Null, TextWriter.Null, stderr));
        Assert.Contains("no such file", stderr.ToString(), StringComparison.Ordinal);
    }
}
