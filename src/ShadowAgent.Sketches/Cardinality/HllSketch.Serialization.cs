using System.Buffers.Binary;

namespace ShadowAgent.Sketches.Cardinality;

/// <summary>
/// DataSketches HLL serialization (serial version 1, family 7): an 8-byte preamble, then LIST coupons, SET
/// count and coupons, or the HLL header (HIP, KxQ0, KxQ1, count at current minimum, exception count), the
/// register array in the target width and, for HLL_4, the exception table. We write the compact form and read
/// both compact and updatable images.
/// </summary>
public sealed partial class HllSketch
{
    private const byte SerialVersion = 1;
    private const byte FamilyId = 7;
    private const byte ListPreInts = 2;
    private const byte SetPreInts = 3;
    private const byte HllPreInts = 10;
    private const byte EmptyFlag = 4;
    private const byte CompactFlag = 8;
    private const byte OutOfOrderFlag = 16;
    private const int ListDataStart = 8;
    private const int SetDataStart = 12;
    private const int HllDataStart = 40;
    private const int AuxToken = 15;

    /// <summary>Bytes <see cref="TryWriteTo(Span{byte}, out int, HllTargetType)"/> writes for <paramref name="type"/>.</summary>
    public int SerializedSize(HllTargetType type)
    {
        CheckType(type);
        if (_registers is null)
        {
            return (Mode == HllMode.List ? ListDataStart : SetDataStart) + (4 * _couponCount);
        }

        var size = HllDataStart + RegisterBytes(type, LgK);
        if (type == HllTargetType.Hll4)
        {
            var curMin = MinRegister(_registers);
            var exceptions = 0;
            foreach (var v in _registers)
            {
                if (v - curMin >= AuxToken)
                {
                    exceptions++;
                }
            }

            size += 4 * exceptions;
        }

        return size;
    }

    /// <summary>Writes the compact image in this sketch's own <see cref="TargetType"/>.</summary>
    public bool TryWriteTo(Span<byte> destination, out int written) => TryWriteTo(destination, out written, TargetType);

    /// <summary>Writes the compact DataSketches image with registers of width <paramref name="type"/>.</summary>
    public bool TryWriteTo(Span<byte> destination, out int written, HllTargetType type)
    {
        var size = SerializedSize(type);
        if (destination.Length < size)
        {
            written = 0;
            return false;
        }

        var image = destination[..size];
        image.Clear();
        image[1] = SerialVersion;
        image[2] = FamilyId;
        image[3] = (byte)LgK;
        var flags = (byte)(CompactFlag | (IsOutOfOrder ? OutOfOrderFlag : 0));
        if (_registers is null)
        {
            WriteCoupons(image, type, flags);
        }
        else
        {
            WriteHll(image, type, flags);
        }

        written = size;
        return true;
    }

    /// <summary>Reads a DataSketches HLL image (any mode and target type, compact or updatable).</summary>
    /// <exception cref="FormatException">The bytes are not a valid HLL sketch image.</exception>
    public static HllSketch Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < 8)
        {
            throw new FormatException($"HLL image has {source.Length} bytes; the preamble alone needs 8.");
        }

        if (source[2] != FamilyId)
        {
            throw new FormatException($"Family id {source[2]} is not HLL ({FamilyId}).");
        }

        if (source[1] != SerialVersion)
        {
            throw new FormatException($"HLL serial version {source[1]} is not supported (expected {SerialVersion}).");
        }

        int lgK = source[3];
        if (lgK is < MinLgK or > MaxLgK)
        {
            throw new FormatException($"HLL lgK {lgK} is outside [{MinLgK}, {MaxLgK}].");
        }

        var mode = source[7] & 3;
        var type = (source[7] >> 2) & 3;
        if (mode == 3)
        {
            throw new FormatException("HLL mode bits 3 are not a known mode.");
        }

        if (type == 3)
        {
            throw new FormatException("HLL target type bits 3 are not a known type.");
        }

        var expectedPreInts = mode switch { 0 => ListPreInts, 1 => SetPreInts, _ => HllPreInts };
        if (source[0] != expectedPreInts)
        {
            throw new FormatException($"HLL preamble ints {source[0]} do not match mode {(HllMode)mode} (expected {expectedPreInts}).");
        }

        var sketch = new HllSketch(lgK, (HllTargetType)type);
        var flags = source[5];
        if (mode == (int)HllMode.Hll)
        {
            sketch.ReadHll(source, (HllTargetType)type, flags);
        }
        else
        {
            sketch.ReadCoupons(source, (HllMode)mode, flags);
        }

        return sketch;
    }

    private void WriteCoupons(Span<byte> image, HllTargetType type, byte flags)
    {
        var isList = Mode == HllMode.List;
        image[0] = isList ? ListPreInts : SetPreInts;
        image[4] = (byte)_lgCouponArr;
        image[5] = (byte)(flags | (_couponCount == 0 ? EmptyFlag : 0));
        image[6] = isList ? (byte)_couponCount : (byte)0;
        image[7] = (byte)(((int)type << 2) | (isList ? 0 : 1));
        var offset = ListDataStart;
        if (!isList)
        {
            BinaryPrimitives.WriteInt32LittleEndian(image[8..], _couponCount);
            offset = SetDataStart;
        }

        foreach (var coupon in _coupons!)
        {
            if (coupon != 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(image[offset..], coupon);
                offset += 4;
            }
        }
    }

    private void WriteHll(Span<byte> image, HllTargetType type, byte flags)
    {
        var registers = _registers!;
        var curMin = type == HllTargetType.Hll4 ? MinRegister(registers) : 0;
        var numAtCurMin = 0;
        foreach (var v in registers)
        {
            if (v == curMin)
            {
                numAtCurMin++;
            }
        }

        image[0] = HllPreInts;
        image[5] = flags;
        image[6] = (byte)curMin;
        image[7] = (byte)(((int)type << 2) | (int)HllMode.Hll);
        BinaryPrimitives.WriteDoubleLittleEndian(image[8..], _hipAccum);
        BinaryPrimitives.WriteDoubleLittleEndian(image[16..], _kxq0);
        BinaryPrimitives.WriteDoubleLittleEndian(image[24..], _kxq1);
        BinaryPrimitives.WriteInt32LittleEndian(image[32..], numAtCurMin);
        var data = image.Slice(HllDataStart, RegisterBytes(type, LgK));
        switch (type)
        {
            case HllTargetType.Hll8:
                registers.CopyTo(data);
                break;
            case HllTargetType.Hll6:
                for (var slot = 0; slot < registers.Length; slot++)
                {
                    var bit = slot * 6;
                    var pair = BinaryPrimitives.ReadUInt16LittleEndian(data[(bit >> 3)..]);
                    pair |= (ushort)(registers[slot] << (bit & 7));
                    BinaryPrimitives.WriteUInt16LittleEndian(data[(bit >> 3)..], pair);
                }

                break;
            default:
                WriteHll4(image, data, registers, curMin);
                break;
        }
    }

    private void WriteHll4(Span<byte> image, Span<byte> data, byte[] registers, int curMin)
    {
        var exceptions = 0;
        for (var slot = 0; slot < registers.Length; slot++)
        {
            var shifted = registers[slot] - curMin;
            if (shifted >= AuxToken)
            {
                shifted = AuxToken;
                exceptions++;
            }

            data[slot >> 1] |= (byte)((slot & 1) == 0 ? shifted : shifted << 4);
        }

        BinaryPrimitives.WriteInt32LittleEndian(image[36..], exceptions);
        if (exceptions == 0)
        {
            return;
        }

        // DataSketches writes its exception hash table in table order; rebuild that table (inserting in slot
        // order) so that the image matches whenever its insertion history does not matter.
        int lgAux = HllTables.LgAuxArrInts[LgK];
        while (4 * exceptions > 3 * (1 << lgAux))
        {
            lgAux++;
        }

        var table = new uint[1 << lgAux];
        var mask = table.Length - 1;
        for (var slot = 0; slot < registers.Length; slot++)
        {
            if (registers[slot] - curMin < AuxToken)
            {
                continue;
            }

            var probe = slot & mask;
            while (table[probe] != 0)
            {
                probe = (probe + ((slot >> lgAux) | 1)) & mask;
            }

            table[probe] = ((uint)registers[slot] << KeyBits26) | (uint)slot;
        }

        image[4] = (byte)lgAux;
        var offset = HllDataStart + data.Length;
        foreach (var entry in table)
        {
            if (entry != 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(image[offset..], entry);
                offset += 4;
            }
        }
    }

    private void ReadCoupons(ReadOnlySpan<byte> source, HllMode mode, byte flags)
    {
        if ((flags & EmptyFlag) != 0)
        {
            return;
        }

        var compact = (flags & CompactFlag) != 0;
        var start = mode == HllMode.List ? ListDataStart : SetDataStart;
        if (source.Length < start)
        {
            throw new FormatException($"HLL {mode} image has {source.Length} bytes; its header needs {start}.");
        }

        long count = mode == HllMode.List ? source[6] : BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        int lgArr = source[4];
        if (count < 0 || count > 1 << (LgK - 1))
        {
            throw new FormatException($"HLL {mode} coupon count {count} is impossible for lgK {LgK}.");
        }

        if (!compact && lgArr > LgK)
        {
            throw new FormatException($"HLL {mode} table size 2^{lgArr} is impossible for lgK {LgK}.");
        }

        var entries = compact ? count : 1L << lgArr;
        var needed = start + (4 * entries);
        if (source.Length < needed)
        {
            throw new FormatException($"HLL {mode} image has {source.Length} bytes; {entries} coupons need {needed}.");
        }

        if (mode == HllMode.Set && LgK > LgInitSetSize + 2)
        {
            // Size the table for the count up front, as DataSketches does, so a set image reads back as a set.
            var lgTarget = LgInitSetSize;
            while (4 * count > 3 * (1L << lgTarget))
            {
                lgTarget++;
            }

            if (lgTarget > LgK - 3)
            {
                throw new FormatException($"HLL SET coupon count {count} exceeds what a set holds at lgK {LgK}.");
            }

            _coupons = new uint[1 << lgTarget];
            _lgCouponArr = lgTarget;
        }

        var read = 0;
        for (var i = 0; i < entries; i++)
        {
            var coupon = BinaryPrimitives.ReadUInt32LittleEndian(source[(start + (4 * i))..]);
            if (coupon == 0)
            {
                continue;
            }

            var value = coupon >> KeyBits26;
            if (value is 0 or > 63)
            {
                throw new FormatException($"HLL coupon 0x{coupon:X8} has value {value}; values are 1..63.");
            }

            CouponUpdate(coupon);
            read++;
        }

        if (read != count)
        {
            throw new FormatException($"HLL {mode} image declares {count} coupons but holds {read}.");
        }
    }

    private void ReadHll(ReadOnlySpan<byte> source, HllTargetType type, byte flags)
    {
        var arrayBytes = RegisterBytes(type, LgK);
        if (source.Length < HllDataStart + arrayBytes)
        {
            throw new FormatException($"HLL image has {source.Length} bytes; lgK {LgK} {type} needs {HllDataStart + arrayBytes}.");
        }

        var hip = BinaryPrimitives.ReadDoubleLittleEndian(source[8..]);
        var kxq0 = BinaryPrimitives.ReadDoubleLittleEndian(source[16..]);
        var kxq1 = BinaryPrimitives.ReadDoubleLittleEndian(source[24..]);
        if (!double.IsFinite(hip) || hip < 0 || !double.IsFinite(kxq0) || !double.IsFinite(kxq1) || kxq0 + kxq1 <= 0)
        {
            throw new FormatException("HLL estimator fields (HIP, KxQ0, KxQ1) are not finite and positive.");
        }

        InitRegisters(LgK);
        _coupons = null;
        _lgCouponArr = 0;
        var registers = _registers!;
        var data = source.Slice(HllDataStart, arrayBytes);
        switch (type)
        {
            case HllTargetType.Hll8:
                for (var slot = 0; slot < registers.Length; slot++)
                {
                    if (data[slot] > 63)
                    {
                        throw new FormatException($"HLL_8 register {slot} holds {data[slot]}; values are 0..63.");
                    }

                    registers[slot] = data[slot];
                }

                break;
            case HllTargetType.Hll6:
                for (var slot = 0; slot < registers.Length; slot++)
                {
                    var bit = slot * 6;
                    registers[slot] = (byte)((BinaryPrimitives.ReadUInt16LittleEndian(data[(bit >> 3)..]) >> (bit & 7)) & 63);
                }

                break;
            default:
                ReadHll4(source, data, flags);
                break;
        }

        _hipAccum = hip;
        _kxq0 = kxq0;
        _kxq1 = kxq1;
        _numZeros = registers.AsSpan().Count((byte)0);
        IsOutOfOrder = (flags & OutOfOrderFlag) != 0;
    }

    private void ReadHll4(ReadOnlySpan<byte> source, ReadOnlySpan<byte> data, byte flags)
    {
        var registers = _registers!;
        int curMin = source[6];
        if (curMin > 63)
        {
            throw new FormatException($"HLL_4 current minimum {curMin} exceeds 63.");
        }

        var exceptionSlots = 0;
        for (var slot = 0; slot < registers.Length; slot++)
        {
            var nibble = (slot & 1) == 0 ? data[slot >> 1] & 15 : data[slot >> 1] >> 4;
            if (nibble == AuxToken)
            {
                exceptionSlots++;
                continue; // filled from the exception table below; 0 marks "not yet seen"
            }

            if (nibble + curMin > 63)
            {
                throw new FormatException($"HLL_4 register {slot} decodes to {nibble + curMin}; values are 0..63.");
            }

            registers[slot] = (byte)(nibble + curMin);
        }

        var auxCount = BinaryPrimitives.ReadInt32LittleEndian(source[36..]);
        if (auxCount != exceptionSlots)
        {
            throw new FormatException($"HLL_4 image declares {auxCount} exceptions but {exceptionSlots} registers are marked as exceptions.");
        }

        if (auxCount == 0)
        {
            return;
        }

        var offset = HllDataStart + data.Length;
        long entries = auxCount;
        if ((flags & CompactFlag) == 0)
        {
            int lgAux = source[4];
            if (lgAux > LgK)
            {
                throw new FormatException($"HLL_4 exception table size 2^{lgAux} is impossible for lgK {LgK}.");
            }

            entries = 1L << lgAux;
        }

        if (source.Length < offset + (4 * entries))
        {
            throw new FormatException($"HLL_4 image has {source.Length} bytes; its {entries} exception entries need {offset + (4 * entries)}.");
        }

        var found = 0;
        for (var i = 0; i < entries; i++)
        {
            var entry = BinaryPrimitives.ReadUInt32LittleEndian(source[(offset + (4 * i))..]);
            if (entry == 0)
            {
                continue;
            }

            var slot = (int)(entry & KeyMask26);
            var value = (int)(entry >> KeyBits26);
            if (slot >= registers.Length)
            {
                throw new FormatException($"HLL_4 exception for slot {slot} is outside the {registers.Length} registers.");
            }

            var nibble = (slot & 1) == 0 ? data[slot >> 1] & 15 : data[slot >> 1] >> 4;
            if (nibble != AuxToken || registers[slot] != 0 || value < curMin + AuxToken)
            {
                throw new FormatException($"HLL_4 exception for slot {slot} (value {value}) does not match the register array.");
            }

            registers[slot] = (byte)value;
            found++;
        }

        if (found != auxCount)
        {
            throw new FormatException($"HLL_4 image declares {auxCount} exceptions but holds {found}.");
        }
    }

    private static int RegisterBytes(HllTargetType type, int lgK) => type switch
    {
        HllTargetType.Hll4 => 1 << (lgK - 1),
        HllTargetType.Hll6 => (((1 << lgK) * 3) >> 2) + 1,
        _ => 1 << lgK,
    };

    private static int MinRegister(ReadOnlySpan<byte> registers)
    {
        int min = 63;
        foreach (var v in registers)
        {
            if (v < min)
            {
                min = v;
            }
        }

        return min;
    }

    private static void CheckType(HllTargetType type)
    {
        if (type is < HllTargetType.Hll4 or > HllTargetType.Hll8)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown HLL target type.");
        }
    }
}
