using System.Buffers;
using System.IO.Compression;
using MessagePack;

namespace ShadowAgent.Taps.Tests.Forward;

/// <summary>Builds forward-protocol messages with MessagePack's writer, as a C# client would.</summary>
internal static class Frames
{
    public delegate void Write(ref MessagePackWriter writer);

    public static byte[] Build(Write write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static void Record(ref MessagePackWriter w, int i)
    {
        w.WriteMapHeader(4);
        w.Write("user");
        w.WriteMapHeader(1);
        w.Write("id");
        w.Write($"u{i % 7}");
        w.Write("n");
        w.Write(i);
        w.Write("route");
        w.Write("/api/" + (i % 3));
        w.Write("ok");
        w.Write(true);
    }

    public static void EventTime(ref MessagePackWriter w, long seconds, uint nanoseconds)
    {
        w.WriteExtensionFormatHeader(new ExtensionHeader(0, 8));
        var raw = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw, (uint)seconds);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(4), nanoseconds);
        w.WriteRaw(raw);
    }

    public static void Options(ref MessagePackWriter w, string? chunk, bool gzip = false, int? size = null)
    {
        var count = (chunk is null ? 0 : 1) + (gzip ? 1 : 0) + (size is null ? 0 : 1);
        w.WriteMapHeader(count);
        if (chunk is not null)
        {
            w.Write("chunk");
            w.Write(chunk);
        }

        if (size is { } n)
        {
            w.Write("size");
            w.Write(n);
        }

        if (gzip)
        {
            w.Write("compressed");
            w.Write("gzip");
        }
    }

    public static byte[] Message(int i, string? chunk = null) => Build((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(chunk is null ? 3 : 4);
        w.Write("app.access");
        EventTime(ref w, 1_764_000_000 + i, 250_000_000);
        Record(ref w, i);
        if (chunk is not null)
        {
            Options(ref w, chunk);
        }
    });

    public static byte[] Forward(int first, int count, string? chunk = null) => Build((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(chunk is null ? 2 : 3);
        w.Write("app.access");
        w.WriteArrayHeader(count);
        for (var i = first; i < first + count; i++)
        {
            w.WriteArrayHeader(2);
            w.Write(1_764_000_000L + i);
            Record(ref w, i);
        }

        if (chunk is not null)
        {
            Options(ref w, chunk);
        }
    });

    /// <summary>The concatenated [time, record] entries of a PackedForward message.</summary>
    public static byte[] Entries(int first, int count) => Build((ref MessagePackWriter w) =>
    {
        for (var i = first; i < first + count; i++)
        {
            w.WriteArrayHeader(2);
            EventTime(ref w, 1_764_000_000 + i, 0);
            Record(ref w, i);
        }
    });

    public static byte[] Packed(byte[] entries, bool asString, string? chunk = null, bool gzip = false) => Build((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        w.Write("app.access");
        if (asString)
        {
            w.WriteStringHeader(entries.Length);
            w.WriteRaw(entries);
        }
        else
        {
            w.Write(entries);
        }

        Options(ref w, chunk, gzip);
    });

    public static byte[] Gzip(params byte[][] members)
    {
        using var output = new MemoryStream();
        foreach (var member in members)
        {
            using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(member);
        }

        return output.ToArray();
    }
}
