using System.Buffers;

namespace ShadowAgent.Taps.Tests.Support;

/// <summary>Builds a ReadOnlySequence split into segments of a given size, like a pipe's buffer.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segments(data.AsMemory(0, Math.Min(segmentSize, data.Length)), 0);
        var last = first;
        for (var offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            var next = new Segments(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)), offset);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
