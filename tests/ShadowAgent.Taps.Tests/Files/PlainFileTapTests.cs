using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Files;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Files;

public sealed class PlainFileTapTests : IDisposable
{
    private const string Pattern = @"^(?<time>\S+) (?<method>[A-Z]+) (?<route>\S+) (?<status>\d{3}) (?<latency>\S+)$";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static PlainLineExtractor Extractor() =>
        PlainLineExtractor.Create(
            new Regex(Pattern, RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture),
            ["method", "route"], ["latency", "status"], "time");

    [Fact]
    public void TryExtract_MatchingLine_KeysNumbersAndTimeFromGroups()
    {
        var extractor = Extractor();
        Assert.True(extractor.TryExtract("2026-11-24T10:00:00.250Z GET /api/cart 200 12.5\r"u8, out _));
        var record = ParsedRecord.From(extractor.View(50));
        Assert.Equal(0b11UL, record.KeysPresent);
        Assert.Equal(Extract.Hash("GET"), record.KeyHashes[0]);
        Assert.Equal(Extract.Hash("/api/cart"), record.KeyHashes[1]);
        Assert.Equal(["GET", "/api/cart"], record.KeyTexts);
        Assert.Equal([12.5, 200], record.Numbers);
        Assert.Equal(0b11UL, record.NumbersPresent);
        Assert.Equal(EventTimeState.Present, record.EventTime);
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T10:00:00.250Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), record.EventTimeUnixMs);
    }

    [Fact]
    public void TryExtract_LineThePatternDoesNotMatch_StillARecordWithoutFields()
    {
        var extractor = Extractor();
        Assert.True(extractor.TryExtract("a stack trace line"u8, out _));
        var record = ParsedRecord.From(extractor.View(19));
        Assert.Equal(0UL, record.KeysPresent);
        Assert.Equal(0UL, record.NumbersPresent);
        Assert.Equal(EventTimeState.Missing, record.EventTime);
    }

    [Fact]
    public void TryExtract_NumberGroupThatIsNotANumber_MarkedNotNumeric()
    {
        var extractor = Extractor();
        Assert.True(extractor.TryExtract("2026-11-24T10:00:00Z GET / 200 fast"u8, out _));
        var record = ParsedRecord.From(extractor.View(1));
        Assert.Equal(0b11UL, record.NumbersPresent);
        Assert.Equal(0b01UL, record.NumbersNotNumeric);
    }

    [Fact]
    public void TryExtract_InvalidUtf8_Error()
    {
        Assert.False(Extractor().TryExtract([0x47, 0xff, 0x20], out var error));
        Assert.Equal(RecordError.InvalidUtf8, error);
    }

    [Fact]
    public async Task Start_PlainFile_EveryLineCountedAndKeyed()
    {
        var path = _dir.File("access.log");
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            text.Append(i % 3 == 0 ? "-- unmatched --\n" : $"2026-11-24T10:00:{i % 60:00}Z GET /r{i % 4} 200 {i}\n");
        }

        await File.WriteAllTextAsync(path, text.ToString());
        var stream = new StreamOptions
        {
            Name = "access",
            Format = StreamFormats.Plain,
            Tap = new TapOptions { Kind = TapKinds.File, Paths = [path], PollInterval = TimeSpan.FromMilliseconds(10), Plain = new PlainOptions { KeyPattern = Pattern } },
            KeyFields = ["route"],
            NumericFields = ["latency"],
        };
        var errors = new List<string>();
        StreamOptionsValidator.Validate([stream], "Agent:Streams", errors);
        Assert.Empty(errors);

        await using var run = FileTapRun.Start(stream);
        await run.WaitForRecords(300);
        await run.StopAsync();
        var sink = run.Sink;

        Assert.Empty(sink.Errors);
        Assert.Equal(300, sink.Records.Count);
        Assert.Equal(200, sink.Records.Count(r => r.KeysPresent == 1));
        Assert.Equal(Encoding.UTF8.GetByteCount(text.ToString()), sink.TotalBytes);
        Assert.Equal(4, sink.Records.Where(r => r.KeysPresent == 1).Select(r => r.KeyHashes[0]).Distinct().Count());
    }
}
