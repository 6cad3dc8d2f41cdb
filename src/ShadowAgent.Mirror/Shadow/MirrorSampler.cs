using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Http;

namespace ShadowAgent.Mirror.Shadow;

/// <summary>
/// Decides which requests are copied to the shadow: each one independently (random), or by the hash of its path
/// or of a header (hash: a user or a route is always in or always out, at any rate, on any host). The share can
/// change at run time; hash sampling then keeps every key that was in at a lower rate (the threshold only moves).
/// </summary>
internal sealed class MirrorSampler
{
    private readonly bool _hash;
    private readonly byte[]? _header;
    private ulong _threshold;
    private long _changes;

    public MirrorSampler(MirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hash = options.Mode == SamplingModes.Hash;
        if (_hash && options.HashOn.StartsWith(MirrorHashOn.HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            _header = Encoding.ASCII.GetBytes(options.HashOn[MirrorHashOn.HeaderPrefix.Length..]);
        }

        _threshold = ThresholdOf(options.Rate);
        Rate = options.Rate;
    }

    /// <summary>The share being mirrored now.</summary>
    public double Rate { get; private set; }

    /// <summary>How many times the share was changed at run time.</summary>
    public long RateChanges => Interlocked.Read(ref _changes);

    public void SetRate(double rate)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The mirrored share is outside [0, 1].");
        }

        Volatile.Write(ref _threshold, ThresholdOf(rate));
        Rate = rate;
        Interlocked.Increment(ref _changes);
    }

    /// <summary>Whether to copy this request; <paramref name="random"/> is the connection's own generator state.</summary>
    public bool Sample(HttpHead head, ref ulong random)
    {
        var threshold = Volatile.Read(ref _threshold);
        if (threshold == 0)
        {
            return false;
        }

        if (threshold == ulong.MaxValue)
        {
            return true;
        }

        ulong draw;
        if (_hash)
        {
            var key = _header is null ? head.PathBytes : head.Find(_header);
            draw = SplitMix64.Mix(KeyHash.Of(key) ^ 0x9E3779B97F4A7C15UL);
        }
        else
        {
            // xorshift64*.
            var x = random;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            random = x;
            draw = x * 0x2545F4914F6CDD1DUL;
        }

        return draw < threshold;
    }

    /// <summary>Whether hash sampling at the current rate copies requests with this key.</summary>
    public bool SampleKey(ReadOnlySpan<byte> key) =>
        SplitMix64.Mix(KeyHash.Of(key) ^ 0x9E3779B97F4A7C15UL) < Volatile.Read(ref _threshold);

    private static ulong ThresholdOf(double rate) =>
        rate >= 1 ? ulong.MaxValue : rate <= 0 ? 0 : (ulong)(rate * 18446744073709551616.0);
}
