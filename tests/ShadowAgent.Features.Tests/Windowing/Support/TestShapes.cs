using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Tests.Windowing.Support;

/// <summary>
/// A connection's record shapes, told by the test instead of the tap's recorder (which the Taps project keeps
/// internal): each <see cref="Record"/> is one record carrying the given paths with their JSON types.
/// </summary>
internal sealed class TestShapes : IRecordShapes
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, (JsonTypes Types, long Records)> _fields = [];

    public long Records { get; private set; }

    public long FieldsOverLimit { get; set; }

    public int FieldCount => _order.Count;

    public static ulong PathHash(string path) => KeyHash.Of(Encoding.UTF8.GetBytes(path));

    public void Record(params (string Path, JsonTypes Type)[] fields)
    {
        Records++;
        foreach (var (path, type) in fields)
        {
            if (_fields.TryGetValue(path, out var f))
            {
                _fields[path] = (f.Types | type, f.Records + 1);
            }
            else
            {
                _order.Add(path);
                _fields[path] = (type, 1);
            }
        }
    }

    public ShapeField Field(int index)
    {
        var path = _order[index];
        var (types, records) = _fields[path];
        return new ShapeField(PathHash(path), path, types, records);
    }

    public void Reset()
    {
        _order.Clear();
        _fields.Clear();
        Records = 0;
        FieldsOverLimit = 0;
    }
}
