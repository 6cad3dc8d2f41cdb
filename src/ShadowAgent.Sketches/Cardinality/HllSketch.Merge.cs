namespace ShadowAgent.Sketches.Cardinality;

public sealed partial class HllSketch
{
    /// <summary>
    /// Folds <paramref name="other"/> into this sketch with DataSketches union semantics: coupons replay as
    /// updates; register arrays combine by maximum, at the smaller of the two lgK (the larger is downsampled,
    /// which is exact because an address's low bits are the smaller sketch's address). A register merge makes
    /// the sketch out of order, so its estimate becomes the composite one.
    /// </summary>
    public void Merge(HllSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this) || other.IsEmpty)
        {
            return;
        }

        if (other._registers is null)
        {
            foreach (var coupon in other.Coupons())
            {
                CouponUpdate(coupon);
            }

            return;
        }

        if (_registers is null)
        {
            // Take the other's registers (and its HIP state), then replay our few coupons into them.
            var mine = Coupons().ToArray();
            CopyRegistersFrom(other, Math.Min(LgK, other.LgK));
            foreach (var coupon in mine)
            {
                HllCouponUpdate(coupon);
            }

            return;
        }

        if (other.LgK < LgK)
        {
            Downsample(other.LgK);
        }

        if (other.LgK == LgK)
        {
            HllRegisters.MaxInto(_registers, other._registers);
        }
        else
        {
            HllRegisters.FoldMaxInto(_registers, other._registers);
        }

        IsOutOfOrder = true;
        RebuildKxqAndZeros();
    }

    private void CopyRegistersFrom(HllSketch source, int lgK)
    {
        _coupons = null;
        _couponCount = 0;
        _lgCouponArr = 0;
        InitRegisters(lgK);
        if (source.LgK == lgK)
        {
            source._registers.AsSpan().CopyTo(_registers);
            _kxq0 = source._kxq0;
            _kxq1 = source._kxq1;
            _numZeros = source._numZeros;
        }
        else
        {
            HllRegisters.FoldMaxInto(_registers!, source._registers!);
            RebuildKxqAndZeros();
        }

        _hipAccum = source._hipAccum;
        IsOutOfOrder = source.IsOutOfOrder;
    }

    private void Downsample(int lgK)
    {
        var old = _registers!;
        _registers = new byte[1 << lgK];
        LgK = lgK;
        HllRegisters.FoldMaxInto(_registers, old);
        RebuildKxqAndZeros();
    }

    // Same summation order as DataSketches' rebuild, so merged images carry identical KxQ values.
    private void RebuildKxqAndZeros()
    {
        var inverse = HllTables.InversePowersOf2;
        double kxq0 = 1 << LgK;
        double kxq1 = 0;
        var zeros = 0;
        foreach (var v in _registers!)
        {
            if (v == 0)
            {
                zeros++;
            }
            else if (v < 32)
            {
                kxq0 += inverse[v] - 1.0;
            }
            else
            {
                kxq1 += inverse[v] - 1.0;
            }
        }

        _kxq0 = kxq0;
        _kxq1 = kxq1;
        _numZeros = zeros;
    }
}
