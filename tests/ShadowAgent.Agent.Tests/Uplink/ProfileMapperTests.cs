using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Tests.Uplink;

public sealed class ProfileMapperTests
{
    [Fact]
    public void ToProto_FullProfile_MapsEveryField()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);
        var latency = NumericSummary.Empty;
        latency.Add(2);
        latency.Add(6);
        latency.Missing = 3;
        latency.NotNumeric = 1;
        var profile = new WindowProfile
        {
            Stream = "web",
            WindowStart = start,
            WindowEnd = start.AddSeconds(10),
            Partial = true,
            Covered = TimeSpan.FromSeconds(4),
            Volume = new VolumeCounters
            {
                Bytes = 1000, Parsed = 10, Malformed = 1, InvalidUtf8 = 2, Oversize = 3, DroppedRecords = 4, DroppedBytes = 40,
                ConnectionsOpen = 2, ConnectionsAccepted = 5, ConnectionsRejected = 6,
            },
            NumericFields = ["latency", "size"],
            Numeric = [latency, NumericSummary.Empty],
        };

        var proto = ProfileMapper.ToProto(profile);

        Assert.Equal("web", proto.Stream);
        Assert.Equal(1_735_689_600_000, proto.WindowStartUnixMs);
        Assert.Equal(1_735_689_610_000, proto.WindowEndUnixMs);
        Assert.True(proto.Partial);
        Assert.Equal(4000u, proto.CoveredMs);
        Assert.Equal(20ul, proto.Volume.Records);
        Assert.Equal(1000ul, proto.Volume.Bytes);
        Assert.Equal(10ul, proto.Volume.Parsed);
        Assert.Equal(1ul, proto.Volume.Malformed);
        Assert.Equal(2ul, proto.Volume.InvalidUtf8);
        Assert.Equal(3ul, proto.Volume.Oversize);
        Assert.Equal(4ul, proto.Volume.DroppedRecords);
        Assert.Equal(40ul, proto.Volume.DroppedBytes);
        Assert.Equal(5.0, proto.Volume.RatePerSecond);
        Assert.Equal(2u, proto.Volume.ConnectionsOpen);
        Assert.Equal(5ul, proto.Volume.ConnectionsAccepted);
        Assert.Equal(6ul, proto.Volume.ConnectionsRejected);
        Assert.Equal(2, proto.Numeric.Count);
        var l = proto.Numeric[0];
        Assert.Equal("latency", l.Field);
        Assert.Equal(2ul, l.Count);
        Assert.Equal(2, l.Min);
        Assert.Equal(6, l.Max);
        Assert.Equal(4, l.Mean);
        Assert.Equal(8, l.Sum);
        Assert.Equal(3ul, l.Missing);
        Assert.Equal(1ul, l.NotNumeric);
        var empty = proto.Numeric[1];
        Assert.Equal("size", empty.Field);
        Assert.Equal(0ul, empty.Count);
        Assert.Equal(0, empty.Min);
        Assert.Equal(0, empty.Max);
    }

    [Fact]
    public void ToDescriptor_Stream_MapsTapFieldsAndWindow()
    {
        var stream = new StreamOptions
        {
            Name = "web",
            Tap = new TapOptions { Kind = "unix", Address = "/run/web.sock" },
            KeyFields = ["user.id"],
            NumericFields = ["latency"],
            Window = TimeSpan.FromSeconds(30),
        };

        var d = ProfileMapper.ToDescriptor(stream);

        Assert.Equal("web", d.Name);
        Assert.Equal("unix", d.Tap);
        Assert.Equal("/run/web.sock", d.Address);
        Assert.Equal("ndjson", d.Format);
        Assert.Equal(["user.id"], d.KeyFields);
        Assert.Equal(["latency"], d.NumericFields);
        Assert.Equal(30_000u, d.WindowMs);
    }
}
