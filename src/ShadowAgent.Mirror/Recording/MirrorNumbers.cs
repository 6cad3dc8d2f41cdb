using System.Runtime.CompilerServices;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Mirror.Recording;

/// <summary>The numeric fields of one mirror record, indexed as <see cref="MirrorFields.Numbers"/>; NaN is absent.</summary>
[InlineArray(Count)]
internal struct MirrorNumbers
{
    public const int Count = 11;

    public const int PrimaryLatencyMs = 0;
    public const int ShadowLatencyMs = 1;
    public const int LatencyDeltaMs = 2;
    public const int PrimaryError = 3;
    public const int ShadowError = 4;
    public const int ShadowInjectedError = 5;
    public const int ShadowInjectedDelayMs = 6;
    public const int StatusMismatch = 7;
    public const int RequestBytes = 8;
    public const int ResponseBytes = 9;
    public const int BodyMismatch = 10;

    private double _first;

    public static MirrorNumbers Absent()
    {
        var n = default(MirrorNumbers);
        ((Span<double>)n).Fill(double.NaN);
        return n;
    }
}
