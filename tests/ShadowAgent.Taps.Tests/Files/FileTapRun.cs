using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Files;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Files;

/// <summary>
/// One started file tap and the sinks it writes to, with the waits and checks the file-tap tests repeat:
/// start, wait for records or poll passes, stop, and check that exactly a range of records arrived.
/// </summary>
internal sealed class FileTapRun : IAsyncDisposable
{
    private FileTapRun(FileTap tap, RecordingSinkFactory sinks)
    {
        Tap = tap;
        Sinks = sinks;
    }

    public FileTap Tap { get; }

    public RecordingSinkFactory Sinks { get; }

    /// <summary>The one sink the tap opened (a file tap opens one for the stream).</summary>
    public RecordingSink Sink => Assert.Single(Sinks.Opened);

    public static FileTapRun Start(StreamOptions stream)
    {
        var sinks = new RecordingSinkFactory();
        return new FileTapRun(FileTap.Start(stream, sinks, NullLoggerFactory.Instance), sinks);
    }

    public Task WaitForRecords(int count)
    {
        var sink = Sink;
        return Eventually.Until(() => sink.Handled >= count, $"{count} records were handled (have {sink.Handled})");
    }

    /// <summary>Whole passes after now: whatever the files held now has been looked at.</summary>
    public Task WaitForPasses(int passes = 2)
    {
        var target = Tap.Passes + passes;
        return Eventually.Until(() => Tap.Passes >= target, $"{passes} more poll passes");
    }

    public Task StopAsync() => Tap.StopAsync(CancellationToken.None);

    /// <summary>The records' "i" values, which must be exactly first..first+count-1, each once, and no errors.</summary>
    public void AssertExactly(int first, int count)
    {
        var sink = Sink;
        List<double> values;
        lock (sink.Records)
        {
            values = [.. sink.Records.Select(r => r.Numbers[0]).Order()];
        }

        Assert.Empty(sink.Errors);
        Assert.Equal(count, values.Count);
        Assert.Equal(Enumerable.Range(first, count).Select(i => (double)i), values);
    }

    public ValueTask DisposeAsync() => Tap.DisposeAsync();
}
