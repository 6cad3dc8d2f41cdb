using System.Text;
using ShadowAgent.Taps.Probes;

namespace ShadowAgent.Taps.Tests.Probes;

public sealed class ProcParserTests
{
    private const string Stat = """
        cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0
        cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0
        cpu1 1335587 32547 511326 13395087 3446 0 1975 0 24328 0
        intr 199292853 9 0 0
        ctxt 1190467541
        """;

    private static byte[] U(string s) => Encoding.ASCII.GetBytes(s.ReplaceLineEndings("\n"));

    [Fact]
    public void CpuStat_Fixture_SumsBusyAndCountsCpus()
    {
        Assert.True(CpuStatParser.TryParse(U(Stat), out var t));
        ulong[] f = [10132153, 290696, 3084719, 46828483, 16683, 0, 25195, 0];
        var total = f.Aggregate(0UL, (a, b) => a + b);
        Assert.Equal(total, t.Total);
        Assert.Equal(total - 46828483 - 16683, t.Busy);
        Assert.Equal(2, t.Cpus);
    }

    [Theory]
    [InlineData("")]
    [InlineData("intr 1 2 3\n")]
    [InlineData("cpu 1 2 x 4 5 6 7 8\ncpu0 1 2 3 4\n")]
    [InlineData("cpu 1 2\ncpu0 1 2 3 4\n")]
    [InlineData("cpu 1 2 3 4 5 6 7 8\n")]
    public void CpuStat_Malformed_ReturnsFalse(string text) => Assert.False(CpuStatParser.TryParse(U(text), out _));

    [Fact]
    public void MemInfo_Fixture_ReadsTotalAndAvailableInBytes()
    {
        var text = "MemTotal:       24683604 kB\nMemFree:        23716276 kB\nMemAvailable:   24172404 kB\nBuffers:           40000 kB\n";
        Assert.True(MemInfoParser.TryParse(U(text), out var total, out var available));
        Assert.Equal(24683604UL * 1024, total);
        Assert.Equal(24172404UL * 1024, available);
    }

    [Theory]
    [InlineData("MemTotal: 100 kB\n")]
    [InlineData("MemTotal: abc kB\nMemAvailable: 5 kB\n")]
    [InlineData("MemTotal: 10 kB\nMemAvailable: 50 kB\n")]
    public void MemInfo_Malformed_ReturnsFalse(string text) => Assert.False(MemInfoParser.TryParse(U(text), out _, out _));

    [Fact]
    public void NetDev_Fixture_SumsEveryInterfaceButLoopback()
    {
        var text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 9999999   1000    0    0    0     0          0         0  9999999    1000    0    0    0     0       0          0
              eth0: 1000       10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
              eth1:300 3 0 0 0 0 0 0 400 4 0 0 0 0 0 0
            """;
        Assert.True(NetDevParser.TryParse(U(text), out var rx, out var tx));
        Assert.Equal(1300UL, rx);
        Assert.Equal(2400UL, tx);
    }

    [Theory]
    [InlineData("h1\nh2\neth0: 1 2 3\n")]
    [InlineData("h1\nh2\neth0 1 2 3 4 5 6 7 8 9\n")]
    [InlineData("h1\nh2\neth0: x 2 3 4 5 6 7 8 9\n")]
    [InlineData("only one line")]
    public void NetDev_Malformed_ReturnsFalse(string text) => Assert.False(NetDevParser.TryParse(U(text), out _, out _));

    [Fact]
    public void DiskStats_Fixture_CountsOnlyTheNamedDisksInBytes()
    {
        var text = """
               8       0 sda 100 0 2000 0 50 0 4000 0 0 0 0 0 0 0 0 0 0
               8       1 sda1 90 0 1800 0 40 0 3000 0 0 0 0 0 0 0 0 0 0
               7       0 loop0 5 0 99 0 0 0 0 0 0 0 0
             259       0 nvme0n1 1 0 10 0 2 0 20 0 0 0 0 0 0 0 0 0 0
            """;
        Assert.True(DiskStatsParser.TryParse(U(text), [U("sda"), U("nvme0n1")], out var read, out var written));
        Assert.Equal(2010UL * 512, read);
        Assert.Equal(4020UL * 512, written);
    }

    [Theory]
    [InlineData("8 0 sda 100 0 x 0 50 0 4000\n")]
    [InlineData("8 0 sda 100 0 2000\n")]
    [InlineData("8 0\n")]
    public void DiskStats_Malformed_ReturnsFalse(string text) => Assert.False(DiskStatsParser.TryParse(U(text), [U("sda")], out _, out _));

    [Fact]
    public void Pressure_Fixture_ReadsSomeAvg10()
    {
        var text = "some avg10=41.99 avg60=11.49 avg300=18.55 total=4482175139\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        Assert.True(PressureParser.TryParseSomeAvg10(U(text), out var p));
        Assert.Equal(41.99, p, 6);
    }

    [Theory]
    [InlineData("full avg10=1.00 avg60=0 avg300=0 total=0\n")]
    [InlineData("some avg10=abc avg60=0\n")]
    [InlineData("some avg10=250.0\n")]
    [InlineData("some avg60=1.0\n")]
    public void Pressure_Malformed_ReturnsFalse(string text) => Assert.False(PressureParser.TryParseSomeAvg10(U(text), out _));

    [Theory]
    [InlineData("max 100000\n", null, 100000UL)]
    [InlineData("20000 100000\n", 20000UL, 100000UL)]
    public void CpuMax_Fixture_ReadsQuotaAndPeriod(string text, ulong? quota, ulong period)
    {
        Assert.True(CgroupValueParser.TryParseCpuMax(U(text), out var q, out var p));
        Assert.Equal(quota, q);
        Assert.Equal(period, p);
    }

    [Theory]
    [InlineData("max\n")]
    [InlineData("20000 0\n")]
    [InlineData("-1 100000\n")]
    [InlineData("1 2 3\n")]
    public void CpuMax_Malformed_ReturnsFalse(string text) => Assert.False(CgroupValueParser.TryParseCpuMax(U(text), out _, out _));

    [Fact]
    public void Limits_Fixtures_ReadNumbersAndUnlimited()
    {
        Assert.True(CgroupValueParser.TryParseLimit(U("max\n"), out var none));
        Assert.Null(none);
        Assert.True(CgroupValueParser.TryParseLimit(U("268435456\n"), out var some));
        Assert.Equal(268435456UL, some);
        Assert.True(CgroupValueParser.TryParseV1MemoryLimit(U("9223372036854771712\n"), out var v1None));
        Assert.Null(v1None);
        Assert.True(CgroupValueParser.TryParseV1MemoryLimit(U("104857600\n"), out var v1Some));
        Assert.Equal(104857600UL, v1Some);
        Assert.True(CgroupValueParser.TryParseInt64(U("-1\n"), out var quota));
        Assert.Equal(-1, quota);
        Assert.False(CgroupValueParser.TryParseLimit(U("12k\n"), out _));
        Assert.False(CgroupValueParser.TryParseUInt64(U(""), out _));
    }

    [Fact]
    public void Keyed_Fixture_FindsExactKeysOnly()
    {
        var text = U("nr_periods 120\nnr_throttled 96\nthrottled_time 5000000\nnr_bursts 0\n");
        Assert.True(ProcText.TryGetKeyed(text, "nr_throttled"u8, out var t));
        Assert.Equal(96UL, t);
        Assert.False(ProcText.TryGetKeyed(text, "nr_"u8, out _));
        Assert.False(ProcText.TryGetKeyed(U("nr_periods x\n"), "nr_periods"u8, out _));
    }

    [Fact]
    public void Parsers_SteadyState_AllocateNothing()
    {
        var stat = U(Stat);
        var mem = U("MemTotal: 100 kB\nMemAvailable: 50 kB\n");
        var psi = U("some avg10=1.50 avg60=0 avg300=0 total=0\n");
        var keyed = U("usage_usec 100\nnr_periods 1\nnr_throttled 1\nthrottled_usec 5\n");
        byte[][] disks = [U("sda")];
        var diskText = U("8 0 sda 1 0 2 0 3 0 4 0 0 0 0\n");
        bool Once() =>
            CpuStatParser.TryParse(stat, out _)
            & MemInfoParser.TryParse(mem, out _, out _)
            & PressureParser.TryParseSomeAvg10(psi, out _)
            & ProcText.TryGetKeyed(keyed, "throttled_usec"u8, out _)
            & DiskStatsParser.TryParse(diskText, disks, out _, out _)
            & CgroupValueParser.TryParseCpuMax(U0, out _, out _);

        Assert.True(Once());
        var ok = true;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            ok &= Once();
        }

        Assert.True(ok);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static readonly byte[] U0 = Encoding.ASCII.GetBytes("20000 100000\n");
}
