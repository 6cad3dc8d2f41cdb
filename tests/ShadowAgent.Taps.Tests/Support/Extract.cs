using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Tests.Support;

internal static class Extract
{
    public static ulong Hash(string value) => KeyHash.Of(Encoding.UTF8.GetBytes(value));

    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(string line, string[] keys, string[] numbers) =>
        Run(Encoding.UTF8.GetBytes(line), keys, numbers);

    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(byte[] line, string[] keys, string[] numbers) =>
        Run(new NdJsonFieldExtractor(FieldTrie.Compile(keys, numbers)), line);

    /// <summary>Extracts with an event-time field as well.</summary>
    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(
        string line, string[] keys, string[] numbers, string timeField, EventTimeFormat format = EventTimeFormat.Auto) =>
        Run(new NdJsonFieldExtractor(FieldTrie.Compile(keys, numbers, timeField, format)), Encoding.UTF8.GetBytes(line));

    /// <summary>One more record through an extractor that may have read others before.</summary>
    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(NdJsonFieldExtractor extractor, string line) =>
        Run(extractor, Encoding.UTF8.GetBytes(line));

    public static (bool Ok, RecordError Error, ParsedRecord? Record) Run(NdJsonFieldExtractor extractor, byte[] line)
    {
        if (!extractor.TryExtract(line, out var error))
        {
            return (false, error, null);
        }

        var v = extractor.View(line.Length + 1);
        return (true, error, ParsedRecord.From(v));
    }
}
