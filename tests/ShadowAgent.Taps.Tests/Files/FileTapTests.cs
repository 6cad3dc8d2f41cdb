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

    [Fact]
    public async Task Start_AppendedLines_EachCountedOnce()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 1000));
        await using var run = FileTapRun.Start(Stream(path));
        await run.WaitForRecords(1000);

        Append(path, Lines(1000, 500));
        await run.WaitForRecords(1500);
        await run.WaitForPasses();
        await run.StopAsync();

        run.AssertExactly(0, 1500);
        Assert.Equal(1, run.Sinks.CloseCalls(run.Sink));
        Assert.Equal(0, run.Sink.ProtocolViolations);
        Assert.Equal(Encoding.UTF8.GetByteCount(Lines(0, 1500)), run.Sink.TotalBytes);
    }

    [Fact]
    public async Task Poll_PartialLastLine_WaitsForItsEnd()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 3) + "{\"user\":\"u9\",\"i\":");
        await using var run = FileTapRun.Start(Stream(path));
        await run.WaitForRecords(3);
        await run.WaitForPasses();
        Assert.Equal(3, run.Sink.Handled);

        Append(path, "3}\n");
        await run.WaitForRecords(4);
        await run.StopAsync();
        run.AssertExactly(0, 4);
    }

    [Fact]
    public async Task Poll_RenameRotation_OldFileReadToItsEndThenNewFile()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 1000));
        await using var run = FileTapRun.Start(Stream(path));
        await run.WaitForRecords(1000);

        // The writer appends, the file is renamed, the writer (not yet reopened) appends to the old inode, then a new file starts.
        Append(path, Lines(1000, 200));
        File.Move(path, path + ".1");
        Append(path + ".1", Lines(1200, 300));
        Append(path, Lines(1500, 400));

        await run.WaitForRecords(1900);
        await Eventually.Until(() => run.Tap.RotationsFinished == 1, "the rotated file was finished and closed");
        Assert.Equal(1, run.Tap.OpenFiles);
        await run.StopAsync();
        run.AssertExactly(0, 1900);
    }

    [Fact]
    public async Task Poll_CopyTruncate_StartsOverAtZero()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 500));
        await using var run = FileTapRun.Start(Stream(path));
        await run.WaitForRecords(500);

        File.Copy(path, path + ".1");
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }

        Append(path, Lines(500, 100));
        await run.WaitForRecords(600);
        await run.WaitForPasses();
        await run.StopAsync();
        Assert.Equal(1, run.Tap.Truncations);
        run.AssertExactly(0, 600);
    }

    [Fact]
    public async Task Poll_TruncatedAndRewrittenPastOffsetBeforeAPoll_DetectedByHeadHash()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 100));
        var stream = Stream(path, s => s.Tap.PollInterval = TimeSpan.FromSeconds(30));
        await using (var first = FileTapRun.Start(stream))
        {
            await first.WaitForRecords(100);
            await first.StopAsync();
        }

        // While the agent is down the file is truncated and refilled beyond the checkpointed offset.
        File.WriteAllText(path, Lines(1000, 300));
        await using var second = FileTapRun.Start(stream);
        await second.WaitForRecords(300);
        await second.StopAsync();
        second.AssertExactly(1000, 300);
    }

    [Fact]
    public async Task Start_FromCheckpoint_NeitherLosesNorRepeatsLines()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 1000));
        var stream = Stream(path);

        await using (var first = FileTapRun.Start(stream))
        {
            await first.WaitForRecords(1000);
            await first.StopAsync();
            first.AssertExactly(0, 1000);
        }

        // Written while the agent is down, ending in half a line.
        Append(path, Lines(1000, 500) + "{\"user\":\"u1\",\"i\":15");
        await using (var second = FileTapRun.Start(stream))
        {
            await second.WaitForRecords(500);
            await second.WaitForPasses();
            await second.StopAsync();
            second.AssertExactly(1000, 500);
        }

        Append(path, "00}\n");
        await using var third = FileTapRun.Start(stream);
        await third.WaitForRecords(1);
        await third.WaitForPasses();
        await third.StopAsync();
        third.AssertExactly(1500, 1);
    }

    [Fact]
    public async Task Start_CheckpointAcrossRotation_RotatedFileFinishedAfterRestart()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 100));
        var stream = Stream(_dir.File("app.log*"));
        await using (var first = FileTapRun.Start(stream))
        {
            await first.WaitForRecords(100);
            await first.StopAsync();
        }

        // Rotated while down: the glob still names the old file, so its identity resumes at its offset.
        Append(path, Lines(100, 50));
        File.Move(path, path + ".1");
        Append(path, Lines(150, 70));
        await using var second = FileTapRun.Start(stream);
        await second.WaitForRecords(120);
        await second.WaitForPasses();
        await second.StopAsync();
        second.AssertExactly(100, 120);
    }

    [Fact]
    public async Task Poll_GlobGainsAFile_NewFileReadFromItsStart()
    {
        Append(_dir.File("a.log"), Lines(0, 100));
        await using var run = FileTapRun.Start(Stream(_dir.File("*.log")));
        await run.WaitForRecords(100);

        Append(_dir.File("b.log"), Lines(100, 50));
        Append(_dir.File("c.txt"), Lines(1000, 70));
        await run.WaitForRecords(150);
        await run.WaitForPasses();
        await run.StopAsync();
        run.AssertExactly(0, 150);
    }

    [Fact]
    public async Task Poll_DeletedFile_FinishedAndClosed()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 10));
        await using var run = FileTapRun.Start(Stream(path));
        await run.WaitForRecords(10);
        File.Delete(path);
        await Eventually.Until(() => run.Tap.RotationsFinished == 1 && run.Tap.OpenFiles == 0, "the deleted file was closed");

        Append(path, Lines(10, 5));
        await run.WaitForRecords(15);
        await run.StopAsync();
        run.AssertExactly(0, 15);
    }

    [Fact]
    public async Task Start_AtEnd_SkipsWhatWasThereBefore()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 100));
        await using var run = FileTapRun.Start(Stream(path, s => s.Tap.StartAt = FileStartPositions.End));
        await run.WaitForPasses();
        Append(path, Lines(100, 20));
        await run.WaitForRecords(20);
        await run.StopAsync();
        run.AssertExactly(100, 20);
    }

    [Fact]
    public async Task Poll_LineOverLimit_CountedOversizeAndNeverBufferedWhole()
    {
        var path = _dir.File("app.log");
        var huge = "{\"user\":\"" + new string('x', 3 * 1024 * 1024) + "\"}\n";
        Append(path, Lines(0, 10) + huge + Lines(10, 10));
        await using var run = FileTapRun.Start(Stream(path, s => s.Tap.MaxLineBytes = 1024));
        await run.WaitForRecords(21);
        await run.StopAsync();

        var error = Assert.Single(run.Sink.Errors);
        Assert.Equal(RecordError.Oversize, error.Error);
        Assert.Equal(huge.Length, error.Bytes);
        Assert.Equal(20, run.Sink.Records.Count);
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
        await using var run = FileTapRun.Start(Stream(path));
        await run.WaitForRecords(6);
        await run.StopAsync();
        Assert.Equal([RecordError.Malformed, RecordError.InvalidUtf8], run.Sink.Errors.Select(e => e.Error));
        Assert.Equal(4, run.Sink.Records.Count);
    }

    [Fact]
    public async Task Start_UnreadableCheckpoint_StartsOverInsteadOfFailing()
    {
        var path = _dir.File("app.log");
        Append(path, Lines(0, 10));
        var stream = Stream(path);
        File.WriteAllText(stream.Tap.CheckpointPath, "{ not a checkpoint");
        await using var run = FileTapRun.Start(stream);
        await run.WaitForRecords(10);
        await run.StopAsync();
        run.AssertExactly(0, 10);
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
        var sink = Assert.Single(sinks.Opened);
        await Eventually.Until(() => sink.Handled >= 3, "3 records were handled");
    }

    [Fact]
    public async Task Start_AtEndWithACheckpoint_FileThatAppearedWhileDownReadFromItsStart()
    {
        Append(_dir.File("a.log"), Lines(0, 10));
        var stream = Stream(_dir.File("*.log"), s => s.Tap.StartAt = FileStartPositions.End);
        await using (var first = FileTapRun.Start(stream))
        {
            await first.WaitForPasses();
            await first.StopAsync();
            Assert.Equal(0, first.Sink.Handled);
        }

        Append(_dir.File("a.log"), Lines(10, 5));
        Append(_dir.File("b.log"), Lines(15, 7));
        await using var second = FileTapRun.Start(stream);
        await second.WaitForRecords(12);
        await second.WaitForPasses();
        await second.StopAsync();
        second.AssertExactly(10, 12);
    }
}
