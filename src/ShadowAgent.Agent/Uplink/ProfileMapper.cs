using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Protocol.V1;
using ProtoNumeric = ShadowAgent.Protocol.V1.NumericSummary;
using ProtoVolume = ShadowAgent.Protocol.V1.VolumeCounters;

namespace ShadowAgent.Agent.Uplink;

/// <summary>Core profiles and stream options to their wire form (profile.proto).</summary>
internal static class ProfileMapper
{
    public static ShadowProfile ToProto(WindowProfile profile)
    {
        var v = profile.Volume;
        var proto = new ShadowProfile
        {
            Stream = profile.Stream,
            WindowStartUnixMs = profile.WindowStart.ToUnixTimeMilliseconds(),
            WindowEndUnixMs = profile.WindowEnd.ToUnixTimeMilliseconds(),
            Partial = profile.Partial,
            CoveredMs = (uint)Math.Clamp((long)profile.Covered.TotalMilliseconds, 0, uint.MaxValue),
            Volume = new ProtoVolume
            {
                Records = (ulong)v.Records,
                Bytes = (ulong)v.Bytes,
                Parsed = (ulong)v.Parsed,
                Malformed = (ulong)v.Malformed,
                InvalidUtf8 = (ulong)v.InvalidUtf8,
                Oversize = (ulong)v.Oversize,
                DroppedRecords = (ulong)v.DroppedRecords,
                DroppedBytes = (ulong)v.DroppedBytes,
                RatePerSecond = profile.RatePerSecond,
                ConnectionsOpen = (uint)Math.Max(v.ConnectionsOpen, 0),
                ConnectionsAccepted = (ulong)v.ConnectionsAccepted,
                ConnectionsRejected = (ulong)v.ConnectionsRejected,
            },
        };

        for (var i = 0; i < profile.NumericFields.Count; i++)
        {
            var n = profile.Numeric[i];
            proto.Numeric.Add(new ProtoNumeric
            {
                Field = profile.NumericFields[i],
                Count = (ulong)n.Count,
                // An empty summary holds ±infinity as its identity; on the wire "no values" is count 0 with zeros.
                Min = n.Count > 0 ? n.Min : 0,
                Max = n.Count > 0 ? n.Max : 0,
                Mean = n.Mean,
                Sum = n.Sum,
                Missing = (ulong)n.Missing,
                NotNumeric = (ulong)n.NotNumeric,
            });
        }

        return proto;
    }

    public static StreamDescriptor ToDescriptor(StreamOptions stream)
    {
        var descriptor = new StreamDescriptor
        {
            Name = stream.Name,
            Tap = stream.Tap.Kind,
            Address = stream.Tap.Address,
            Format = stream.Format,
            WindowMs = (uint)stream.Window.TotalMilliseconds,
        };
        descriptor.KeyFields.AddRange(stream.KeyFields);
        descriptor.NumericFields.AddRange(stream.NumericFields);
        return descriptor;
    }
}
