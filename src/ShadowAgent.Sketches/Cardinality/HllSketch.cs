using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using ShadowAgent.Core.Hashing;

namespace ShadowAgent.Sketches.Cardinality;

/// <summary>
/// HyperLogLog distinct-count sketch, binary-compatible with Apache DataSketches HLL (Flajolet, Fusy, Gandouet,
/// Meunier, "HyperLogLog: the analysis of a near-optimal cardinality estimation algorithm", 2007; HIP estimator
/// from Cohen, "All-Distances Sketches, Revisited", 2014, and Ting, "Streamed approximate counting of distinct
/// elements", 2014; coupon modes and layout after Lang's DataSketches design).
/// </summary>
/// <remarks>
/// Small sketches hold 32-bit coupons (26-bit address, 6-bit value) in a list, then a hash set; once the set
/// would exceed K/8 entries the sketch becomes a register array. In memory the registers are always one byte
/// each (the fastest to update); the 4- and 6-bit forms exist only in serialized images. The mode transitions,
/// hash-set probing and HIP accumulation follow DataSketches exactly, so a sketch built here from the same
/// input has the same registers, the same estimate and, where DataSketches' layout is deterministic, the
/// same bytes.
/// </remarks>
public sealed partial class HllSketch
{
    public const int MinLgK = 4;
    public const int MaxLgK = 21;
    public const int DefaultLgK = 12;

    private const int KeyBits26 = 26;
    private const uint KeyMask26 = (1u << KeyBits26) - 1;
    private const int LgInitListSize = 3;
    private const int LgInitSetSize = 5;

    // Coupon modes: LIST is a dense array filled from the front, SET an open-addressing table.
    private uint[]? _coupons;
    private int _couponCount;
    private int _lgCouponArr;

    // HLL mode.
    private byte[]? _registers;
    private double _hipAccum;
    private double _kxq0;
    private double _kxq1;
    private int _numZeros;

    /// <summary>Creates an empty sketch with 2^<paramref name="lgK"/> registers.</summary>
    public HllSketch(int lgK = DefaultLgK, HllTargetType targetType = HllTargetType.Hll8)
    {
        if (lgK is < MinLgK or > MaxLgK)
        {
            throw new ArgumentOutOfRangeException(nameof(lgK), lgK, $"lgK must be in [{MinLgK}, {MaxLgK}].");
        }

        if (targetType is < HllTargetType.Hll4 or > HllTargetType.Hll8)
        {
            throw new ArgumentOutOfRangeException(nameof(targetType), targetType, "Unknown HLL target type.");
        }

        LgK = lgK;
        TargetType = targetType;
        ResetToList();
    }

    /// <summary>log2 of the number of registers; a merge with a smaller sketch lowers it.</summary>
    public int LgK { get; private set; }

    /// <summary>Register width written by <see cref="TryWriteTo(Span{byte}, out int)"/> without an explicit type.</summary>
    public HllTargetType TargetType { get; }

    public HllMode Mode => _registers is not null ? HllMode.Hll : _lgCouponArr == LgInitListSize ? HllMode.List : HllMode.Set;

    /// <summary>True once a merge (or a deserialized flag) means the HIP accumulator no longer applies.</summary>
    public bool IsOutOfOrder { get; private set; }

    public bool IsEmpty => _registers is null && _couponCount == 0;

    /// <summary>
    /// Adds an item given the two halves of its MurmurHash3 x64 128 hash (seed 9001), as DataSketches hashes it:
    /// the register address is the low bits of <paramref name="h1"/>, the value one more than the number of
    /// leading zeros of <paramref name="h2"/> (at most 63).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(ulong h1, ulong h2)
    {
        var value = Math.Min(BitOperations.LeadingZeroCount(h2), 62) + 1;
        var registers = _registers;
        if (registers is not null)
        {
            var slot = (nuint)(uint)h1 & (nuint)(uint)(registers.Length - 1);
            ref var register = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(registers), slot);
            if (value > register)
            {
                RaiseRegister(ref register, value);
            }

            return;
        }

        CouponUpdate(((uint)value << KeyBits26) | ((uint)h1 & KeyMask26));
    }

    /// <summary>Hashes <paramref name="item"/> as DataSketches does and adds it; an empty item is ignored, as there.</summary>
    public void Update(ReadOnlySpan<byte> item)
    {
        if (item.IsEmpty)
        {
            return;
        }

        var (h1, h2) = MurmurHash3.Hash128(item, HllSketchHashing.Seed);
        Update(h1, h2);
    }

    /// <summary>Adds a 64-bit integer as its 8 little-endian bytes (DataSketches' <c>update(int64_t)</c>).</summary>
    public void Update(long value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        Update(bytes);
    }

    /// <summary>Adds a string as its UTF-8 bytes; an empty string is ignored, as in DataSketches.</summary>
    public void Update(string utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        var max = Encoding.UTF8.GetMaxByteCount(utf8.Length);
        byte[]? rented = null;
        var buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(utf8, buffer);
        Update(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RaiseRegister(ref byte register, int value)
    {
        int old = register;
        if (!IsOutOfOrder)
        {
            // HIP: add the inverse probability that this update changed the sketch, before the change.
            _hipAccum += (1 << LgK) / (_kxq0 + _kxq1);
        }

        var inverse = HllTables.InversePowersOf2;
        if (old < 32)
        {
            _kxq0 -= inverse[old];
        }
        else
        {
            _kxq1 -= inverse[old];
        }

        if (value < 32)
        {
            _kxq0 += inverse[value];
        }
        else
        {
            _kxq1 += inverse[value];
        }

        if (old == 0)
        {
            _numZeros--;
        }

        register = (byte)value;
    }

    private void HllCouponUpdate(uint coupon)
    {
        var registers = _registers!;
        var slot = (int)(coupon & (uint)(registers.Length - 1));
        var value = (int)(coupon >> KeyBits26);
        if (value > registers[slot])
        {
            RaiseRegister(ref registers[slot], value);
        }
    }

    private void CouponUpdate(uint coupon)
    {
        if (_registers is not null)
        {
            HllCouponUpdate(coupon);
            return;
        }

        var coupons = _coupons!;
        if (_lgCouponArr == LgInitListSize)
        {
            for (var i = 0; i < coupons.Length; i++)
            {
                if (coupons[i] == 0)
                {
                    coupons[i] = coupon;
                    _couponCount++;
                    if (_couponCount == coupons.Length)
                    {
                        if (LgK < 8)
                        {
                            PromoteToHll();
                        }
                        else
                        {
                            PromoteListToSet();
                        }
                    }

                    return;
                }

                if (coupons[i] == coupon)
                {
                    return;
                }
            }

            return;
        }

        var index = FindCoupon(coupons, _lgCouponArr, coupon);
        if (index >= 0)
        {
            return;
        }

        coupons[~index] = coupon;
        _couponCount++;
        if (4 * _couponCount > 3 * (1 << _lgCouponArr))
        {
            if (_lgCouponArr >= LgK - 3)
            {
                PromoteToHll();
            }
            else
            {
                GrowSet(_lgCouponArr + 1);
            }
        }
    }

    private void PromoteListToSet()
    {
        var list = _coupons!;
        _coupons = new uint[1 << LgInitSetSize];
        _lgCouponArr = LgInitSetSize;
        _couponCount = 0;
        foreach (var coupon in list)
        {
            if (coupon != 0)
            {
                InsertIntoSet(coupon);
            }
        }
    }

    private void GrowSet(int lgNew)
    {
        var old = _coupons!;
        _coupons = new uint[1 << lgNew];
        _lgCouponArr = lgNew;
        _couponCount = 0;
        foreach (var coupon in old)
        {
            if (coupon != 0)
            {
                InsertIntoSet(coupon);
            }
        }
    }

    private void InsertIntoSet(uint coupon)
    {
        var index = FindCoupon(_coupons!, _lgCouponArr, coupon);
        if (index < 0)
        {
            _coupons![~index] = coupon;
            _couponCount++;
        }
    }

    // Open addressing with a coupon-derived odd stride; returns the slot holding the coupon or ~(empty slot).
    private static int FindCoupon(uint[] table, int lgArr, uint coupon)
    {
        var mask = (1 << lgArr) - 1;
        var probe = (int)(coupon & (uint)mask);
        var start = probe;
        do
        {
            var found = table[probe];
            if (found == 0)
            {
                return ~probe;
            }

            if (found == coupon)
            {
                return probe;
            }

            var stride = (int)(((coupon & KeyMask26) >> lgArr) | 1);
            probe = (probe + stride) & mask;
        }
        while (probe != start);

        throw new InvalidOperationException("HLL coupon set is full; the resize rule should have prevented this.");
    }

    // The coupons replay into fresh registers (their order fixes the bits of KxQ); HIP restarts from the
    // coupon estimate, which is the better estimate at this point.
    private void PromoteToHll()
    {
        var coupons = _coupons!;
        var estimate = HllEstimators.CouponEstimate(_couponCount);
        InitRegisters(LgK);
        _coupons = null;
        _couponCount = 0;
        _lgCouponArr = 0;
        foreach (var coupon in coupons)
        {
            if (coupon != 0)
            {
                HllCouponUpdate(coupon);
            }
        }

        _hipAccum = estimate;
    }

    private void InitRegisters(int lgK)
    {
        LgK = lgK;
        _registers = new byte[1 << lgK];
        _kxq0 = 1 << lgK;
        _kxq1 = 0;
        _hipAccum = 0;
        _numZeros = 1 << lgK;
    }

    private void ResetToList()
    {
        _registers = null;
        _coupons = new uint[1 << LgInitListSize];
        _lgCouponArr = LgInitListSize;
        _couponCount = 0;
        _hipAccum = 0;
        _kxq0 = 0;
        _kxq1 = 0;
        _numZeros = 0;
    }

    /// <summary>Coupons in storage order (LIST/SET modes), as DataSketches iterates and serializes them.</summary>
    internal IEnumerable<uint> Coupons()
    {
        if (_coupons is null)
        {
            yield break;
        }

        foreach (var coupon in _coupons)
        {
            if (coupon != 0)
            {
                yield return coupon;
            }
        }
    }

    internal ReadOnlySpan<byte> Registers => _registers;

    internal double HipAccum => _hipAccum;

    internal double KxQ0 => _kxq0;

    internal double KxQ1 => _kxq1;

    internal int NumZeros => _numZeros;
}
