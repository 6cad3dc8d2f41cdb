using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Files;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Files;

public sealed class FileTapTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StreamOptions Stream(string pattern, Action<StreamOptions>? configure = null)
    {
        var options = new StreamOptions
        {
            Name = "app",
            Tap = new TapOptions
            {
                Kind = TapKinds.File,
                Paths = [pattern],
                PollInterval = TimeSpan.FromMilliseconds(10),
                CheckpointPath = _dir.File("checkpoint.json"),
            },
            KeyFields = ["user"],
            NumericFields = ["i"],
        };
        configure?.Invoke(options);
        var errors = new List<string>();
        StreamOptionsValidator.Validate([options], "Agent:Streams", errors);
        Assert.Empty(errors);
        return options;
    }

    private static string Lines(int first, int count) =>
        string.Concat(Enumerable.Range(first, count).Select(i => $"{{\"user\":\"u{i % 5}\",\"i\":{i}}}\n"));

    private static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private static RecordingSink Sink(RecordingSinkFactory sinks) => Assert.Single(sinks.Opened);

    private static async Task WaitForRecords(RecordingSink sink, int count) =>
        await Eventually.Until(() => sink.Handled >= count, $"{count} records were handled (have {sink.Handled})");

    /// <summary>Two whole passes after now: whatever the files held now has been looked at.</summary>
    private static async Task WaitForPasses(FileTap tap, int passes = 2)
    {
        var target = tap.Passes + passes;
        await Eventually.Until(() => tap.Passes >= target, $"{passes} more poll passes");
    }

    /// <summary>The records' "i" values, which must be exactly first..first+count-1, each once.</summary>
    private static void AssertExactly(RecordingSink sink, int first, int count)
    {
        List<double> values;
        lock (sink.Records)
        {
            values = [.. sink.Records.Select(r => r.Numbers[0]).Order()];
        }

        Assert.Empty(sink.Errors);
        Assert.Equal(count, values.Count);
        Assert.Equal(Enumerable.Range(first, count).Select(i => (double)i), values);
    }

    [Fact]
    public async Task Start_AppendedLines_EachCountedOnce()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 1000));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 1000);

        Append(path, Lines(1000, 500));
        await WaitForRecords(sink, 1500);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);

        AssertExactly(sink, 0, 1500);
        Assert.Equal(1, sinks.CloseCalls(sink));
        Assert.Equal(0, sink.ProtocolViolations);
        Assert.Equal(Encoding.UTF8.GetByteCount(Lines(0, 1500)), sink.TotalBytes);
    }

    [Fact]
    public async Task Poll_PartialLastLine_WaitsForItsEnd()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 3) + "{\"user\":\"u9\",\"i\":");
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 3);
        await WaitForPasses(tap);
        Assert.Equal(3, sink.Handled);

        Append(path, "3}\n");
        await WaitForRecords(sink, 4);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(sink, 0, 4);
    }

    [Fact]
    public async Task Poll_RenameRotation_OldFileReadToItsEndThenNewFile()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 1000));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 1000);

        // The writer appends, the file is renamed, the writer (not yet reopened) appends to the old inode, then a new file starts.
        Append(path, Lines(1000, 200));
        File.Move(path, path + ".1");
        Append(path + ".1", Lines(1200, 300));
        Append(path, Lines(1500, 400));

        await WaitForRecords(sink, 1900);
        await Eventually.Until(() => tap.RotationsFinished == 1, "the rotated file was finished and closed");
        Assert.Equal(1, tap.OpenFiles);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(sink, 0, 1900);
    }

    [Fact]
    public async Task Poll_CopyTruncate_StartsOverAtZero()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 500));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 500);

        File.Copy(path, path + ".1");
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }

        Append(path, Lines(500, 100));
        await WaitForRecords(sink, 600);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        Assert.Equal(1, tap.Truncations);
        AssertExactly(sink, 0, 600);
    }

    [Fact]
    public async Task Poll_TruncatedAndRewrittenPastOffsetBeforeAPoll_DetectedByHeadHash()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 100));
        var stream = Stream(path, s => s.Tap.PollInterval = TimeSpan.FromSeconds(30));
        var sinks = new RecordingSinkFactory();
        var tap = FileTap.Start(stream, sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 100);
        await tap.StopAsync(CancellationToken.None);

        // While the agent is down the file is truncated and refilled beyond the checkpointed offset.
        File.WriteAllText(path, Lines(1000, 300));
        var sinks2 = new RecordingSinkFactory();
        await using var tap2 = FileTap.Start(stream, sinks2, NullLoggerFactory.Instance);
        var sink2 = Sink(sinks2);
        await WaitForRecords(sink2, 300);
        await tap2.StopAsync(CancellationToken.None);
        AssertExactly(sink2, 1000, 300);
    }

    [Fact]
    public async Task Start_FromCheckpoint_NeitherLosesNorRepeatsLines()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 1000));
        var stream = Stream(path);

        var first = new RecordingSinkFactory();
        var tap = FileTap.Start(stream, first, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(first), 1000);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(Sink(first), 0, 1000);

        // Written while the agent is down, ending in half a line.
        Append(path, Lines(1000, 500) + "{\"user\":\"u1\",\"i\":15");
        var second = new RecordingSinkFactory();
        tap = FileTap.Start(stream, second, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(second), 500);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(Sink(second), 1000, 500);

        Append(path, "00}\n");
        var third = new RecordingSinkFactory();
        tap = FileTap.Start(stream, third, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(third), 1);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(Sink(third), 1500, 1);
    }

    [Fact]
    public async Task Start_CheckpointAcrossRotation_RotatedFileFinishedAfterRestart()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 100));
        var stream = Stream(_dir.File("app.log*"));
        var first = new RecordingSinkFactory();
        var tap = FileTap.Start(stream, first, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(first), 100);
        await tap.StopAsync(CancellationToken.None);

        // Rotated while down: the glob still names the old file, so its identity resumes at its offset.
        Append(path, Lines(100, 50));
        File.Move(path, path + ".1");
        Append(path, Lines(150, 70));
        var second = new RecordingSinkFactory();
        tap = FileTap.Start(stream, second, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(second), 120);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(Sink(second), 100, 120);
    }

    [Fact]
    public async Task Poll_GlobGainsAFile_NewFileReadFromItsStart()
    {
        Append(_dir.File("a.log"), Lines(0, 100));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(_dir.File("*.log")), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 100);

        Append(_dir.File("b.log"), Lines(100, 50));
        Append(_dir.File("c.txt"), Lines(1000, 70));
        await WaitForRecords(sink, 150);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(sink, 0, 150);
    }

    [Fact]
    public async Task Poll_DeletedFile_FinishedAndClosed()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 10));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 10);
        File.Delete(path);
        await Eventually.Until(() => tap.RotationsFinished == 1 && tap.OpenFiles == 0, "the deleted file was closed");

        Append(path, Lines(10, 5));
        await WaitForRecords(sink, 15);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(sink, 0, 15);
    }

    [Fact]
    public async Task Start_AtEnd_SkipsWhatWasThereBefore()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 100));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path, s => s.Tap.StartAt = FileStartPositions.End), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForPasses(tap);
        Append(path, Lines(100, 20));
        await WaitForRecords(sink, 20);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(sink, 100, 20);
    }

    [Fact]
    public async Task Poll_LineOverLimit_CountedOversizeAndNeverBufferedWhole()
    {
        var path = _dir.File("app.log");
        var huge = "{\"user\":\"" + new string('x', 3 * 1024 * 1024) + "\"}\n";
        Append(path, Lines(0, 10) + huge + Lines(10, 10));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path, s => s.Tap.MaxLineBytes = 1024), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 21);
        await tap.StopAsync(CancellationToken.None);

        var error = Assert.Single(sink.Errors);
        Assert.Equal(RecordError.Oversize, error.Error);
        Assert.Equal(huge.Length, error.Bytes);
        Assert.Equal(20, sink.Records.Count);
    }

    [Fact]
    public async Task Poll_MalformedAndInvalidUtf8Lines_CountedAndTheRestParsed()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 2) + "not json\n");
        using (var stream = new FileStream(path, FileMode.Append))
        {
            stream.Write([(byte)'{', (byte)'"', 0xff, (byte)'"', (byte)':', (byte)'1', (byte)'}', (byte)'\n']);
        }

        Append(path, Lines(2, 2));
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(Stream(path), sinks, NullLoggerFactory.Instance);
        var sink = Sink(sinks);
        await WaitForRecords(sink, 6);
        await tap.StopAsync(CancellationToken.None);
        Assert.Equal([RecordError.Malformed, RecordError.InvalidUtf8], sink.Errors.Select(e => e.Error));
        Assert.Equal(4, sink.Records.Count);
    }

    [Fact]
    public async Task Start_UnreadableCheckpoint_StartsOverInsteadOfFailing()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 10));
        var stream = Stream(path);
        File.WriteAllText(stream.Tap.CheckpointPath, "{ not a checkpoint");
        var sinks = new RecordingSinkFactory();
        await using var tap = FileTap.Start(stream, sinks, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(sinks), 10);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(Sink(sinks), 0, 10);
        Assert.Contains("\"Offset\"", File.ReadAllText(stream.Tap.CheckpointPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TapFactory_FileKind_StartsAFileTap()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 3));
        var sinks = new RecordingSinkFactory();
        await using var tap = TapFactory.Start(Stream(path), sinks, NullLoggerFactory.Instance, TimeProvider.System);
        Assert.IsType<FileTap>(tap);
        Assert.Equal(path, tap.Source);
        await WaitForRecords(Sink(sinks), 3);
    }

    [Fact]
    public async Task Start_AtEndWithACheckpoint_FileThatAppearedWhileDownReadFromItsStart()
    {
        Append(_dir.File("a.log"), Lines(0, 10));
        var stream = Stream(_dir.File("*.log"), s => s.Tap.StartAt = FileStartPositions.End);
        var first = new RecordingSinkFactory();
        var tap = FileTap.Start(stream, first, NullLoggerFactory.Instance);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        Assert.Equal(0, Sink(first).Handled);

        Append(_dir.File("a.log"), Lines(10, 5));
        Append(_dir.File("b.log"), Lines(15, 7));
        var second = new RecordingSinkFactory();
        tap = FileTap.Start(stream, second, NullLoggerFactory.Instance);
        await WaitForRecords(Sink(second), 12);
        await WaitForPasses(tap);
        await tap.StopAsync(CancellationToken.None);
        AssertExactly(Sink(second), 10, 12);
    }
}
