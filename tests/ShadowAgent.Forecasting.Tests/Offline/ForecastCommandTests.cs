using System.Globalization;
using ShadowAgent.Forecasting.Offline;

namespace ShadowAgent.Forecasting.Tests.Offline;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forecast-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_NabSeries_WritesTheHorizonWithIntervalsAtTheSeriesStep()
    {
        var input = Path.Combine(Simulated.NabFolder, "realAWSCloudwatch", "ec2_cpu_utilization_24ae8d.csv");
        var output = Path.Combine(_dir, "out.csv");
        var stderr = new StringWriter();
        Assert.Equal(0, ForecastCommand.Run([input, "--horizon", "24", "--level", "0.8", output], TextReader.Null, TextWriter.Null, stderr));

        var lines = File.ReadAllLines(output);
        Assert.Equal("timestamp,forecast,lower,upper", lines[0]);
        Assert.Equal(25, lines.Length);
        var last = DateTime.ParseExact(File.ReadLines(input).Last().Split(',')[0], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split(',');
            Assert.Equal(last.AddMinutes(5 * i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), fields[0]);
            var (value, lower, upper) = (Parse(fields[1]), Parse(fields[2]), Parse(fields[3]));
            Assert.True(lower <= value && value <= upper && lower < upper, lines[i]);
        }

        Assert.Contains("4032 rows, step 00:05:00", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("24 steps at 0.8", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Run_StandardStreams_MatchesTheFileRun()
    {
        var text = File.ReadAllText(Path.Combine(Simulated.NabFolder, "artificialNoAnomaly", "art_daily_small_noise.csv"));
        var viaStdout = new StringWriter();
        Assert.Equal(0, ForecastCommand.Run(["-", "-"], new StringReader(text), viaStdout, TextWriter.Null));

        var input = Path.Combine(_dir, "in.csv");
        File.WriteAllText(input, text);
        var output = Path.Combine(_dir, "out.csv");
        var stderr = new StringWriter();
        Assert.Equal(0, ForecastCommand.Run([input, output], TextReader.Null, TextWriter.Null, stderr));
        Assert.Equal(File.ReadAllText(output), viaStdout.ToString());

        // A clean daily pattern of 5-minute values: the season is found.
        Assert.Contains("season 288 steps", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(ForecastCommand.DefaultHorizon + 1, File.ReadAllLines(output).Length);
    }

    [Theory]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,x\n", ":3: value 'x'")]
    [InlineData("time,value\n2014-04-01 00:00:00,1\n", ":1: expected the header")]
    [InlineData("timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:00:00,2\n", ":3: timestamp 2014-04-01 00:00:00 is earlier")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n", ":3: 1 row(s): a forecast needs at least 2 rows")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:00:00,2\n", ":3: the timestamps do not advance")]
    public void Run_BadInput_ExitsTwoNamingTheLineAndLeavesNoOutputFile(string text, string message)
    {
        var input = Path.Combine(_dir, "in.csv");
        File.WriteAllText(input, text);
        var output = Path.Combine(_dir, "out.csv");
        var stderr = new StringWriter();
        Assert.Equal(2, ForecastCommand.Run([input, output], TextReader.Null, TextWriter.Null, stderr));
        Assert.Contains(input + message, stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("--horizon '0' is not a whole number", "in.csv", "--horizon", "0")]
    [InlineData("--horizon 'x' is not a whole number", "in.csv", "--horizon", "x")]
    [InlineData("--level '1' is not a number strictly between 0 and 1", "in.csv", "--level", "1")]
    [InlineData("--level needs a value", "in.csv", "--level")]
    [InlineData("unknown option '--bogus'", "in.csv", "--bogus")]
    [InlineData("usage: shadow-agent forecast")]
    [InlineData("usage: shadow-agent forecast", "a.csv", "b.csv", "c.csv")]
    public void Run_BadArguments_ExplainsAndExitsTwo(string message, params string[] args)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, ForecastCommand.Run(args, TextReader.Null, TextWriter.Null, stderr));
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingInput_ExitsTwo()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, ForecastCommand.Run([Path.Combine(_dir, "none.csv")], TextReader.Null, TextWriter.Null, stderr));
        Assert.Contains("no such file", stderr.ToString(), StringComparison.Ordinal);
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
