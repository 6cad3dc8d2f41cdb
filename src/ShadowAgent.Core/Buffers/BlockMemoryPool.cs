using System.Buffers;
using System.Collections.Concurrent;

namespace ShadowAgent.Core.Buffers;

/// <summary>
/// A pool of fixed-size pinned blocks for pipes, in the manner of Kestrel's block pool: renting a block
/// in steady state allocates nothing (the shared array pool allocates an owner object per rent), and
/// pinned blocks let sockets receive straight into them. Bounded: at most <see cref="MaxRetained"/> free
/// blocks are kept; the rest are left to the GC.
/// </summary>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    public const int DefaultBlockSize = 64 * 1024;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public BlockMemoryPool(int blockSize = DefaultBlockSize, int maxRetained = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1024);
        BlockSize = blockSize;
        MaxRetained = maxRetained;
    }

    public static BlockMemoryPool Default { get; } = new();

    public int BlockSize { get; }

    public int MaxRetained { get; }

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            // Larger than a block: plain array, not pooled.
            return new Block(null, new byte[minBufferSize]);
        }

        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            return block;
        }

        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing)
    {
        _free.Clear();
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= MaxRetained)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    private sealed class Block : MemoryManager<byte>
    {
        private readonly BlockMemoryPool? _pool;
        private readonly byte[] _array;

        public Block(BlockMemoryPool? pool, byte[] array)
        {
            _pool = pool;
            _array = array;
        }

        public override Span<byte> GetSpan() => _array;

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            // Pooled blocks live on the pinned object heap, so their address is stable without a handle.
            var handle = _pool is null ? System.Runtime.InteropServices.GCHandle.Alloc(_array, System.Runtime.InteropServices.GCHandleType.Pinned) : default;
            return new MemoryHandle(System.Runtime.CompilerServices.Unsafe.AsPointer(ref _array[elementIndex]), handle);
        }

        public override void Unpin()
        {
        }

        protected override bool TryGetArray(out ArraySegment<byte> segment)
        {
            segment = new ArraySegment<byte>(_array);
            return true;
        }

        protected override void Dispose(bool disposing) => _pool?.Return(this);
    }
}
