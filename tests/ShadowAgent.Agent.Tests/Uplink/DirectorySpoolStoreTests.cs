using ShadowAgent.Agent.Uplink;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Tests.Uplink;

public sealed class DirectorySpoolStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);
    private readonly string _dir = Directory.CreateTempSubdirectory("spool-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ProfileSpool Open(int capacity = 100) => new(capacity, long.MaxValue, DirectorySpoolStore.Open(_dir));

    private static ShadowProfile Profile(string stream, long start) => new()
    {
        Stream = stream,
        WindowStartUnixMs = start,
        WindowEndUnixMs = start + 10_000,
        Volume = new VolumeCounters { Records = 42, Parsed = 41, Malformed = 1 },
    };

    [Fact]
    public void Open_AfterRestartWithUnackedBatches_ResendsThemUnderTheSameEpoch()
    {
        var first = Open();
        for (var i = 0; i < 5; i++)
        {
            first.Append([Profile("web", i * 10_000L)], T0.AddSeconds(i), out _);
        }

        first.TrimThrough(2);

        var second = Open();
        Assert.Equal(first.SessionEpoch, second.SessionEpoch);
        Assert.Equal([3ul, 4ul, 5ul], second.After(0).Select(b => b.Sequence));
        Assert.Equal(first.After(0).Select(b => b.Batch), second.After(0).Select(b => b.Batch));
        Assert.Equal(T0.AddSeconds(2), second.OldestAppendedAt);

        // Numbering goes on after the recovered batches.
        Assert.Equal(6ul, second.Append([Profile("web", 99)], T0, out _).Sequence);
    }

    [Fact]
    public void Open_AfterEverythingWasAcked_StartsANewEpochFromOne()
    {
        var first = Open();
        first.Append([Profile("web", 0)], T0, out _);
        first.TrimThrough(1);

        var second = Open();
        Assert.NotEqual(first.SessionEpoch, second.SessionEpoch);
        Assert.Equal(0, second.Count);
        Assert.Equal(1ul, second.Append([Profile("web", 0)], T0, out _).Sequence);
    }

    [Fact]
    public void Append_Full_DeletesTheDroppedBatchFile()
    {
        var spool = Open(capacity: 2);
        for (var i = 0; i < 3; i++)
        {
            spool.Append([Profile("web", i)], T0, out _);
        }

        Assert.Equal(2, Directory.GetFiles(_dir, "*.batch").Length);
        Assert.Equal([2ul, 3ul], Open().After(0).Select(b => b.Sequence));
    }

    [Fact]
    public void Open_CorruptOrTruncatedFile_SetAsideAndCounted()
    {
        var first = Open();
        for (var i = 0; i < 3; i++)
        {
            first.Append([Profile("web", i)], T0, out _);
        }

        var files = Directory.GetFiles(_dir, "*.batch").Order().ToArray();
        var bytes = File.ReadAllBytes(files[1]);
        bytes[20] ^= 0x5A;
        File.WriteAllBytes(files[1], bytes);
        File.WriteAllBytes(files[2], File.ReadAllBytes(files[2])[..10]);
        File.WriteAllText(Path.Combine(_dir, "00000000000000000009.batch.tmp"), "half written");

        var store = DirectorySpoolStore.Open(_dir);
        Assert.Equal(2, store.Corrupt);
        Assert.Equal([1ul], store.Recovered.Select(b => b.Sequence));
        Assert.Equal(2, Directory.GetFiles(_dir, "*.corrupt").Length);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Open_BatchesWithoutTheirEpoch_SetAsideNotResent()
    {
        var first = Open();
        first.Append([Profile("web", 0)], T0, out _);
        File.Delete(Path.Combine(_dir, "epoch"));

        var store = DirectorySpoolStore.Open(_dir);
        Assert.Equal(1, store.Corrupt);
        Assert.Empty(store.Recovered);
    }
}
