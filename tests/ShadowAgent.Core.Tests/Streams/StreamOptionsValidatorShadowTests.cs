using ShadowAgent.Core.Streams;

namespace ShadowAgent.Core.Tests.Streams;

/// <summary>The shadow's options (hop, event time, sampling, sketches, schema, spectral): one exact message per fault.</summary>
public sealed class StreamOptionsValidatorShadowTests
{
    private const string P = "Agent:Streams:0:";

    private static StreamOptions Valid() => new()
    {
        Name = "orders",
        Tap = new TapOptions { Kind = TapKinds.Tcp, Address = "127.0.0.1:7410" },
        KeyFields = ["user.id", "route"],
        NumericFields = ["latency_ms", "size"],
        Window = TimeSpan.FromSeconds(10),
    };

    private static List<string> Validate(StreamOptions stream)
    {
        var errors = new List<string>();
        StreamOptionsValidator.Validate([stream], "Agent:Streams", errors);
        return errors;
    }

    /// <summary>Each case: what to break, and the one message that must say so.</summary>
    private static readonly Dictionary<string, (Action<StreamOptions> Break, string Message)> Cases = new()
    {
        ["hop-not-dividing"] = (s => s.Hop = TimeSpan.FromSeconds(3), P + "Hop: 00:00:03 must be a whole number of milliseconds that divides the window (00:00:10)."),
        ["hop-longer"] = (s => s.Hop = TimeSpan.FromSeconds(20), P + "Hop: 00:00:20 must be a whole number of milliseconds that divides the window (00:00:10)."),
        ["hop-zero"] = (s => s.Hop = TimeSpan.Zero, P + "Hop: 00:00:00 must be a whole number of milliseconds that divides the window (00:00:10)."),
        ["hop-negative"] = (s => s.Hop = TimeSpan.FromSeconds(-2), P + "Hop: -00:00:02 must be a whole number of milliseconds that divides the window (00:00:10)."),
        ["hop-sub-millisecond"] = (s => { s.Window = TimeSpan.FromSeconds(1); s.Hop = TimeSpan.FromTicks(12_500_000 / 1000); }, P + "Hop: 00:00:00.0012500 must be a whole number of milliseconds that divides the window (00:00:01)."),
        ["too-many-hops"] = (s => s.Hop = TimeSpan.FromMilliseconds(100), P + "Hop: 00:00:00.1000000 makes more than 60 hops per window."),
        ["time-field-path"] = (s => s.EventTime.Field = "meta..ts", P + "EventTime:Field: 'meta..ts' is not a field path: it has an empty segment."),
        ["time-format"] = (s => { s.EventTime.Field = "ts"; s.EventTime.Format = (EventTimeFormat)9; }, P + "EventTime:Format: '9' is not a known format (Auto, Rfc3339, UnixSeconds, UnixMilliseconds, UnixMicroseconds, UnixNanoseconds)."),
        ["lateness-negative"] = (s => { s.EventTime.Field = "ts"; s.EventTime.AllowedLateness = TimeSpan.FromSeconds(-1); }, P + "EventTime:AllowedLateness: -00:00:01 is outside 00:00:00 to 01:00:00."),
        ["lateness-long"] = (s => { s.EventTime.Field = "ts"; s.EventTime.AllowedLateness = TimeSpan.FromMinutes(61); }, P + "EventTime:AllowedLateness: 01:01:00 is outside 00:00:00 to 01:00:00."),
        ["rate-zero"] = (s => s.Sampling.Rate = 0, P + "Sampling:Rate: 0 is outside (0, 1]."),
        ["rate-above-one"] = (s => s.Sampling.Rate = 1.5, P + "Sampling:Rate: 1.5 is outside (0, 1]."),
        ["rate-nan"] = (s => s.Sampling.Rate = double.NaN, P + "Sampling:Rate: NaN is outside (0, 1]."),
        ["sampling-mode"] = (s => s.Sampling.Mode = "reservoir", P + "Sampling:Mode: 'reservoir' is not a known sampling mode (known: random, hash)."),
        ["random-with-key"] = (s => s.Sampling.KeyField = "route", P + "Sampling:KeyField: random sampling does not use a key field; set Mode to 'hash' or remove it."),
        ["hash-key-not-key"] = (s => { s.Sampling.Mode = SamplingModes.Hash; s.Sampling.KeyField = "latency_ms"; }, P + "Sampling:KeyField: 'latency_ms' must be one of the stream's KeyFields for hash sampling."),
        ["hash-key-empty"] = (s => { s.Sampling.Mode = SamplingModes.Hash; s.Sampling.Rate = 0.5; }, P + "Sampling:KeyField: '' must be one of the stream's KeyFields for hash sampling."),
        ["hll-lgk-low"] = (s => s.Sketches.HllLgK = 3, P + "Sketches:HllLgK: 3 is outside 4 to 21."),
        ["hll-lgk-high"] = (s => s.Sketches.HllLgK = 22, P + "Sketches:HllLgK: 22 is outside 4 to 21."),
        ["hll-type"] = (s => s.Sketches.HllType = "HLL4", P + "Sketches:HllType: 'HLL4' is not one of hll4, hll6, hll8."),
        ["items-lg-low"] = (s => s.Sketches.FrequentItemsLgMaxMapSize = 2, P + "Sketches:FrequentItemsLgMaxMapSize: 2 is outside 3 to 20."),
        ["items-lg-high"] = (s => s.Sketches.FrequentItemsLgMaxMapSize = 21, P + "Sketches:FrequentItemsLgMaxMapSize: 21 is outside 3 to 20."),
        ["wire-lg-low"] = (s => s.Sketches.FrequentItemsWireLgMaxMapSize = 2, P + "Sketches:FrequentItemsWireLgMaxMapSize: 2 is outside 3 to FrequentItemsLgMaxMapSize (10)."),
        ["wire-lg-above-lg"] = (s => { s.Sketches.FrequentItemsLgMaxMapSize = 8; s.Sketches.FrequentItemsWireLgMaxMapSize = 9; }, P + "Sketches:FrequentItemsWireLgMaxMapSize: 9 is outside 3 to FrequentItemsLgMaxMapSize (8)."),
        ["top-k-zero"] = (s => s.Sketches.TopK = 0, P + "Sketches:TopK: 0 is outside 1 to 100."),
        ["top-k-high"] = (s => s.Sketches.TopK = 101, P + "Sketches:TopK: 101 is outside 1 to 100."),
        ["accuracy-zero"] = (s => s.Sketches.QuantileRelativeAccuracy = 0, P + "Sketches:QuantileRelativeAccuracy: 0 is outside (0, 0.5)."),
        ["accuracy-half"] = (s => s.Sketches.QuantileRelativeAccuracy = 0.5, P + "Sketches:QuantileRelativeAccuracy: 0.5 is outside (0, 0.5)."),
        ["bins-low"] = (s => s.Sketches.QuantileMaxBins = 15, P + "Sketches:QuantileMaxBins: 15 is outside 16 to 65536."),
        ["bins-high"] = (s => s.Sketches.QuantileMaxBins = 65537, P + "Sketches:QuantileMaxBins: 65537 is outside 16 to 65536."),
        ["schema-max-fields"] = (s => s.Schema.MaxFields = 0, P + "Schema:MaxFields: 0 is outside 1 to 4096."),
        ["schema-path-chars"] = (s => s.Schema.MaxPathChars = 15, P + "Schema:MaxPathChars: 15 is outside 16 to 4096."),
        ["schema-per-profile"] = (s => s.Schema.MaxFieldsPerProfile = -1, P + "Schema:MaxFieldsPerProfile: -1 is outside 0 to 4096."),
        ["schema-baseline"] = (s => s.Schema.BaselineWindows = 0, P + "Schema:BaselineWindows: 0 is outside 1 to 1000."),
        ["schema-share-shift"] = (s => s.Schema.ShareShift = 0, P + "Schema:ShareShift: 0 is outside (0, 1]."),
        ["spectral-length-not-power"] = (s => s.Spectral.MaxLength = 1000, P + "Spectral:MaxLength: 1000 must be a power of two from 64 to 4096."),
        ["spectral-length-short"] = (s => s.Spectral.MaxLength = 32, P + "Spectral:MaxLength: 32 must be a power of two from 64 to 4096."),
        ["spectral-length-long"] = (s => s.Spectral.MaxLength = 8192, P + "Spectral:MaxLength: 8192 must be a power of two from 64 to 4096."),
        ["spectral-field-key"] = (s => s.Spectral.Fields = ["size", "route"], P + "Spectral:Fields:1: 'route' must be one of the stream's NumericFields."),
        ["spectral-field-twice"] = (s => s.Spectral.Fields = ["size", "size"], P + "Spectral:Fields:1: 'size' is listed twice."),
        ["window-sub-millisecond"] = (s => s.Window = TimeSpan.FromTicks(1_125_000), P + "Window: 00:00:00.1125000 must be a whole number of milliseconds."),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Validate_OneShadowOptionWrong_ExactlyItsMessage(string name)
    {
        var (breakIt, message) = Cases[name];
        var s = Valid();
        breakIt(s);

        var error = Assert.Single(Validate(s));

        Assert.Equal(message, error);
    }

    [Fact]
    public void Validate_EveryShadowOptionSetWithinItsLimits_NoErrors()
    {
        var s = Valid();
        s.Window = TimeSpan.FromMinutes(1);
        s.Hop = TimeSpan.FromSeconds(1);
        s.EventTime = new EventTimeOptions { Field = "meta.ts", Format = EventTimeFormat.UnixNanoseconds, AllowedLateness = TimeSpan.FromHours(1) };
        s.Sampling = new SamplingOptions { Rate = 0.01, Mode = SamplingModes.Hash, KeyField = "route" };
        s.Sketches = new SketchOptions
        {
            HllLgK = 21,
            HllType = "hll6",
            FrequentItemsLgMaxMapSize = 20,
            FrequentItemsWireLgMaxMapSize = 20,
            TopK = 100,
            QuantileRelativeAccuracy = 0.499,
            QuantileMaxBins = 65536,
        };
        s.Schema = new SchemaOptions { MaxFields = 4096, MaxPathChars = 4096, MaxFieldsPerProfile = 0, BaselineWindows = 1000, ShareShift = 1 };
        s.Spectral = new SpectralOptions { MaxLength = 4096, Fields = ["size", "latency_ms"] };

        Assert.Empty(Validate(s));
    }

    [Theory]
    [InlineData(10_000, null)]
    [InlineData(10_000, 10_000)]
    [InlineData(10_000, 5_000)]
    [InlineData(60_000, 1_000)]
    [InlineData(1_000, 250)]
    public void Validate_HopDividingTheWindowInAtMost60_Accepted(int windowMs, int? hopMs)
    {
        var s = Valid();
        s.Window = TimeSpan.FromMilliseconds(windowMs);
        s.Hop = hopMs is { } h ? TimeSpan.FromMilliseconds(h) : null;

        Assert.Empty(Validate(s));
        Assert.Equal(TimeSpan.FromMilliseconds(hopMs ?? windowMs), s.EffectiveHop);
    }

    [Fact]
    public void Validate_SamplingRateOneWithoutMode_AllShadowed()
    {
        var s = Valid();
        s.Sampling.Rate = 1;

        Assert.Empty(Validate(s));
        Assert.False(s.Sampling.Enabled);
    }

    [Fact]
    public void Validate_EventTimeOptionsWithoutAField_NotChecked()
    {
        var s = Valid();
        s.EventTime.AllowedLateness = TimeSpan.FromDays(1);

        Assert.Empty(Validate(s));
        Assert.False(s.EventTime.Enabled);
    }

    [Fact]
    public void Validate_SeveralShadowFaults_EachReported()
    {
        var s = Valid();
        s.Hop = TimeSpan.FromSeconds(3);
        s.Sampling.Mode = SamplingModes.Hash;
        s.Sampling.KeyField = "nope";
        s.Sketches.TopK = 0;
        s.Spectral.Fields = ["nope"];

        var errors = Validate(s);

        Assert.Equal(
            [P + "Hop:", P + "Sampling:KeyField:", P + "Sketches:TopK:", P + "Spectral:Fields:0:"],
            errors.Select(e => e[..(e.IndexOf(' ', StringComparison.Ordinal))]));
    }
}
