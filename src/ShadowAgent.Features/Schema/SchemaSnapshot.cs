using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Schema;

/// <summary>
/// The observed schema of a stream over some records (one connection's window, a stream's window, or a
/// fleet's): the field paths with their types and the share of records that carried each, plus a 64-bit
/// fingerprint of the set of (path, types) pairs that ignores counts and field order, so equal schemas
/// fingerprint equal on every host. Immutable; <see cref="Merge"/> unions fields and adds counts.
/// Bounded: at most <see cref="MaxFields"/> fields; a merge that would exceed it keeps the fields carried
/// by the most records and counts the rest in <see cref="FieldsOverLimit"/>.
/// </summary>
public sealed class SchemaSnapshot
{
    /// <summary>The most fields a snapshot holds (a window holds at most 1024 per connection by default).</summary>
    public const int MaxFields = 4096;

    private readonly Dictionary<ulong, int> _index;

    private SchemaSnapshot(long records, long fieldsOverLimit, SchemaField[] fields)
    {
        Records = records;
        FieldsOverLimit = fieldsOverLimit;
        Fields = fields;
        _index = new Dictionary<ulong, int>(fields.Length);
        ulong fingerprint = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            _index.Add(fields[i].PathHash, i);
            fingerprint += FieldHash(fields[i].PathHash, fields[i].Types);
        }

        Fingerprint = fingerprint;
    }

    public static SchemaSnapshot Empty { get; } = new(0, 0, []);

    /// <summary>Records observed (each field's <see cref="SchemaField.Records"/> is at most this).</summary>
    public long Records { get; }

    /// <summary>Occurrences of values whose path was not tracked because a field limit was reached.</summary>
    public long FieldsOverLimit { get; }

    /// <summary>The fields, ordered by path (ordinal) then hash.</summary>
    public IReadOnlyList<SchemaField> Fields { get; }

    /// <summary>
    /// Sum over the fields of a 64-bit mix of (path hash, types): order-independent, and a field's types
    /// take part, so a type change changes it. Counts do not.
    /// </summary>
    public ulong Fingerprint { get; }

    /// <summary>
    /// A snapshot of <paramref name="fields"/> observed over <paramref name="records"/> records. Fields with no
    /// records are left out; a path hash given twice is one field (types united, counts added).
    /// </summary>
    public static SchemaSnapshot Create(long records, long fieldsOverLimit, IEnumerable<SchemaField> fields)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        ArgumentOutOfRangeException.ThrowIfNegative(fieldsOverLimit);
        ArgumentNullException.ThrowIfNull(fields);
        var union = new Dictionary<ulong, SchemaField>();
        foreach (var field in fields)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(field.Records, nameof(fields));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(field.Records, records, nameof(fields));
            if (field.Records > 0)
            {
                Add(union, field);
            }
        }

        return Bounded(records, fieldsOverLimit, union);
    }

    /// <summary>Fields of both; types united; records and counts added.</summary>
    public static SchemaSnapshot Merge(SchemaSnapshot a, SchemaSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var union = new Dictionary<ulong, SchemaField>(a.Fields.Count + b.Fields.Count);
        foreach (var field in a.Fields)
        {
            Add(union, field);
        }

        foreach (var field in b.Fields)
        {
            Add(union, field);
        }

        return Bounded(a.Records + b.Records, a.FieldsOverLimit + b.FieldsOverLimit, union);
    }

    public bool TryGetField(ulong pathHash, out SchemaField field)
    {
        if (_index.TryGetValue(pathHash, out var i))
        {
            field = Fields[i];
            return true;
        }

        field = default;
        return false;
    }

    /// <summary>The share of records that carried the field; 0 if absent or no records.</summary>
    public double Share(ulong pathHash) =>
        Records > 0 && TryGetField(pathHash, out var field) ? (double)field.Records / Records : 0;

    internal static double Share(in SchemaField field, long records) => records > 0 ? (double)field.Records / records : 0;

    private static void Add(Dictionary<ulong, SchemaField> union, in SchemaField field)
    {
        if (union.TryGetValue(field.PathHash, out var existing))
        {
            union[field.PathHash] = existing with { Types = existing.Types | field.Types, Records = existing.Records + field.Records };
        }
        else
        {
            union.Add(field.PathHash, field);
        }
    }

    private static SchemaSnapshot Bounded(long records, long fieldsOverLimit, Dictionary<ulong, SchemaField> union)
    {
        var fields = union.Values.ToArray();
        if (fields.Length > MaxFields)
        {
            Array.Sort(fields, static (x, y) => y.Records != x.Records ? y.Records.CompareTo(x.Records) : ByPath(x, y));
            for (var i = MaxFields; i < fields.Length; i++)
            {
                fieldsOverLimit += fields[i].Records;
            }

            fields = fields[..MaxFields];
        }

        Array.Sort(fields, ByPath);
        return new SchemaSnapshot(records, fieldsOverLimit, fields);
    }

    private static int ByPath(SchemaField x, SchemaField y)
    {
        var byPath = string.CompareOrdinal(x.Path, y.Path);
        return byPath != 0 ? byPath : x.PathHash.CompareTo(y.PathHash);
    }

    // MurmurHash3's fmix64 (Appleby, 2011) over the path hash with the types folded in by an odd multiplier.
    private static ulong FieldHash(ulong pathHash, JsonTypes types)
    {
        var k = pathHash ^ ((ulong)types * 0x9E3779B97F4A7C15);
        k ^= k >> 33;
        k *= 0xFF51AFD7ED558CCD;
        k ^= k >> 33;
        k *= 0xC4CEB9FE1A85EC53;
        k ^= k >> 33;
        return k;
    }
}
