using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Protocol.V1;
using Google.Protobuf;
using CoreKey = ShadowAgent.Core.Profiles.KeyProfile;
using CoreSpectral = ShadowAgent.Core.Profiles.SpectralSummary;
using CoreVolume = ShadowAgent.Core.Profiles.VolumeCounters;
using ProtoContributor = ShadowAgent.Protocol.V1.AnomalyContributor;
using ProtoModelVerdict = ShadowAgent.Protocol.V1.ModelVerdict;
using ProtoForecast = ShadowAgent.Protocol.V1.Forecast;
using ProtoForecastPoint = ShadowAgent.Protocol.V1.ForecastPoint;
using ProtoHeavyHitter = ShadowAgent.Protocol.V1.HeavyHitter;
using ProtoKey = ShadowAgent.Protocol.V1.KeyProfile;
using ProtoNumeric = ShadowAgent.Protocol.V1.NumericSummary;
using ProtoScaling = ShadowAgent.Protocol.V1.Scaling;
using ProtoSpectral = ShadowAgent.Protocol.V1.SpectralSummary;
using ProtoVolume = ShadowAgent.Protocol.V1.VolumeCounters;
using SchemaDriftKind = ShadowAgent.Protocol.V1.SchemaDriftKind;
using SkewSummary = ShadowAgent.Protocol.V1.SkewSummary;
using SpectralPeak = ShadowAgent.Protocol.V1.SpectralPeak;
using SchemaDrift = ShadowAgent.Protocol.V1.SchemaDrift;
using SchemaProfile = ShadowAgent.Protocol.V1.SchemaProfile;
using SchemaFieldShare = ShadowAgent.Protocol.V1.SchemaFieldShare;
using SamplingMode = ShadowAgent.Protocol.V1.SamplingMode;
using SamplingInfo = ShadowAgent.Protocol.V1.SamplingInfo;

namespace ShadowAgent.Agent.Uplink;

/// <summary>Core profiles and stream options to their wire form (profile.proto).</summary>
internal static class ProfileMapper
{
    public static ShadowProfile ToProto(WindowProfile profile)
    {
        var proto = new ShadowProfile
        {
            Stream = profile.Stream,
            WindowStartUnixMs = profile.WindowStart.ToUnixTimeMilliseconds(),
            WindowEndUnixMs = profile.WindowEnd.ToUnixTimeMilliseconds(),
            Partial = profile.Partial,
            CoveredMs = (uint)Math.Clamp((long)profile.Covered.TotalMilliseconds, 0, uint.MaxValue),
            Volume = ToProto(profile.Volume, profile.RatePerSecond),
            HopVolume = profile.HopVolume is { } hop ? ToProto(hop, profile.Covered > TimeSpan.Zero ? hop.Records / Math.Min(profile.Covered.TotalSeconds, profile.Hop.TotalSeconds) : 0) : null,
            Sampling = new SamplingInfo
            {
                Mode = (SamplingMode)profile.Sampling.Mode,
                Rate = profile.Sampling.Rate,
                KeyField = profile.Sampling.KeyField ?? "",
                SampledRecords = (ulong)profile.Sampling.SampledRecords,
            },
        };
        var numericScaling = profile.Sampling.Mode == SamplingKind.All ? ProtoScaling.None : ProtoScaling.ByRate;

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
            var summary = proto.Numeric[^1];
            summary.Scaling = numericScaling;
            if (i < profile.Quantiles.Count && profile.Quantiles[i] is { Sketch.Length: > 0 } q)
            {
                summary.P50 = q.P50;
                summary.P90 = q.P90;
                summary.P99 = q.P99;
                summary.P999 = q.P999;
                summary.Ddsketch = ByteString.CopyFrom(q.Sketch);
            }
        }

        foreach (var key in profile.Keys)
        {
            proto.Keys.Add(ToProto(key));
        }

        if (profile.Schema is { } schema)
        {
            proto.Schema = ToProto(schema);
        }

        foreach (var spectral in profile.Spectral)
        {
            proto.Spectral.Add(ToProto(spectral));
        }

        if (profile.Anomaly is { } anomaly)
        {
            var score = new AnomalyScore
            {
                Score = anomaly.Score,
                TailProbability = anomaly.TailProbability,
                Severity = (Severity)anomaly.Severity,
                Alarm = anomaly.Alarm,
                FeaturesScored = (uint)anomaly.FeaturesScored,
            };
            foreach (var c in anomaly.Contributors)
            {
                score.Contributors.Add(new ProtoContributor { Feature = c.Feature, Detector = c.Detector, Statistic = c.Statistic, TailProbability = c.TailProbability });
            }

            foreach (var m in anomaly.Models)
            {
                score.Models.Add(new ProtoModelVerdict
                {
                    Kind = m.Kind,
                    Version = (uint)Math.Clamp(m.Version, 0, uint.MaxValue),
                    Score = m.Score,
                    Threshold = m.Threshold,
                    Unusual = m.Unusual,
                });
            }

            proto.Anomaly = score;
        }

        if (profile.Forecast is { } forecast)
        {
            proto.Forecast = ToProto(forecast);
        }

        if (profile.CoarseForecast is { } coarse)
        {
            proto.CoarseForecast = ToProto(coarse);
        }

        return proto;
    }

    private static ProtoForecast ToProto(ForecastSummary forecast)
    {
        var f = new ProtoForecast
        {
            Series = forecast.Series,
            Model = forecast.Model,
            Period = (uint)Math.Max(forecast.Period, 0),
            StepMs = (uint)Math.Clamp((long)forecast.Step.TotalMilliseconds, 0, uint.MaxValue),
            Level = forecast.Level,
        };
        foreach (var (value, lower, upper) in forecast.Points)
        {
            f.Points.Add(new ProtoForecastPoint { Value = value, Lower = lower, Upper = upper });
        }

        return f;
    }

    private static ProtoVolume ToProto(in CoreVolume v, double rate) => new()
    {
        Records = (ulong)v.Records,
        Bytes = (ulong)v.Bytes,
        Parsed = (ulong)v.Parsed,
        Malformed = (ulong)v.Malformed,
        InvalidUtf8 = (ulong)v.InvalidUtf8,
        Oversize = (ulong)v.Oversize,
        DroppedRecords = (ulong)v.DroppedRecords,
        DroppedBytes = (ulong)v.DroppedBytes,
        RatePerSecond = rate,
        ConnectionsOpen = (uint)Math.Max(v.ConnectionsOpen, 0),
        ConnectionsAccepted = (ulong)v.ConnectionsAccepted,
        ConnectionsRejected = (ulong)v.ConnectionsRejected,
        LateRecords = (ulong)v.LateRecords,
        MissingEventTime = (ulong)v.MissingEventTime,
        FutureEventTime = (ulong)v.FutureEventTime,
    };

    private static ProtoKey ToProto(CoreKey key)
    {
        var proto = new ProtoKey
        {
            Field = key.Field,
            Present = (ulong)key.Present,
            Distinct = key.Distinct,
            DistinctLower = key.DistinctLower,
            DistinctUpper = key.DistinctUpper,
            DistinctScaling = (ProtoScaling)key.DistinctScaling,
            Hll = ByteString.CopyFrom(key.Hll),
            FrequentItems = ByteString.CopyFrom(key.FrequentItems),
            CountScaling = (ProtoScaling)key.CountScaling,
            Skew = new SkewSummary
            {
                K = (uint)key.Skew.K,
                Top1Share = key.Skew.Top1Share,
                TopkShare = key.Skew.TopKShare,
                NormalizedEntropy = key.Skew.NormalizedEntropy,
                Gini = key.Skew.Gini,
            },
        };
        foreach (var top in key.Top)
        {
            proto.Top.Add(new ProtoHeavyHitter
            {
                Item = top.Item,
                Value = top.Value,
                Estimate = top.Estimate,
                LowerBound = top.LowerBound,
                UpperBound = top.UpperBound,
            });
        }

        return proto;
    }

    private static SchemaProfile ToProto(SchemaSummary schema)
    {
        var proto = new SchemaProfile
        {
            Fingerprint = schema.Fingerprint,
            Records = (ulong)schema.Records,
            FieldsOverLimit = (ulong)schema.FieldsOverLimit,
            FieldsOmitted = (uint)schema.FieldsOmitted,
        };
        foreach (var f in schema.Fields)
        {
            proto.Fields.Add(new SchemaFieldShare { Path = f.Path, Types_ = (uint)f.Types, Records = (ulong)f.Records });
        }

        foreach (var d in schema.Drift)
        {
            proto.Drift.Add(new SchemaDrift
            {
                Kind = (SchemaDriftKind)d.Kind,
                Path = d.Path,
                OldTypes = (uint)d.OldTypes,
                NewTypes = (uint)d.NewTypes,
                OldShare = d.OldShare,
                NewShare = d.NewShare,
            });
        }

        return proto;
    }

    private static ProtoSpectral ToProto(CoreSpectral s)
    {
        var proto = new ProtoSpectral
        {
            Series = s.Series,
            Length = (uint)s.Length,
            IntervalSeconds = s.IntervalSeconds,
            Mean = s.Mean,
            Variance = s.Variance,
            Flat = s.Flat,
            Entropy = s.Entropy,
            Flatness = s.Flatness,
        };
        foreach (var (period, share) in s.Peaks)
        {
            proto.Peaks.Add(new SpectralPeak { PeriodSeconds = period, Share = share });
        }

        proto.BandShares.Add(s.BandShares);
        proto.HaarShares.Add(s.HaarShares);
        proto.Daubechies4Shares.Add(s.Daubechies4Shares);
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
            HopMs = stream.Hop is null ? 0 : (uint)stream.EffectiveHop.TotalMilliseconds,
            EventTimeField = stream.EventTime.Field ?? "",
            AllowedLatenessMs = stream.EventTime.Enabled ? (uint)stream.EventTime.AllowedLateness.TotalMilliseconds : 0,
            SamplingMode = !stream.Sampling.Enabled ? SamplingMode.All : stream.Sampling.Mode == SamplingModes.Hash ? SamplingMode.Hash : SamplingMode.Random,
            SamplingRate = stream.Sampling.Rate,
            SamplingKeyField = stream.Sampling.KeyField ?? "",
        };
        descriptor.KeyFields.AddRange(stream.KeyFields);
        descriptor.NumericFields.AddRange(stream.NumericFields);
        return descriptor;
    }
}
