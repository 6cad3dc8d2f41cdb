using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Tests.Support;

internal static class Extract
{
    public static ulong Hash(string value) => KeyHash.Of(Encoding.UTF8.GetBytes(value));

    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(string line, string[] keys, string[] numbers) =>
        Run(Encoding.UTF8.GetBytes(line), keys, numbers);

    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(byte[] line, string[] keys, string[] numbers)
    {
        var extractor = new NdJsonFieldExtractor(FieldTrie.Compile(keys, numbers));
        if (!extractor.TryExtract(line, out var error))
        {
            return (false, error, null);
        }

        var v = extractor.View(line.Length + 1);
        return (true, error, ParsedRecord.From(v));
    }
}
