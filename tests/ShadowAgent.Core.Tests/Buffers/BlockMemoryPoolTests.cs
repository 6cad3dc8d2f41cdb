using ShadowAgent.Core.Buffers;

namespace ShadowAgent.Core.Tests.Buffers;

public sealed class BlockMemoryPoolTests
{
    [Fact]
    public void Rent_AfterReturn_ReusesBlockWithoutAllocating()
    {
        using var pool = new BlockMemoryPool(4096, maxRetained: 4);
        pool.Rent().Dispose();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            using var owner = pool.Rent(100);
            owner.Memory.Span[0] = 1;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Rent_LargerThanBlock_GivesExactArrayOutsideThePool()
    {
        using var pool = new BlockMemoryPool(4096);
        using var owner = pool.Rent(10_000);
        Assert.True(owner.Memory.Length >= 10_000);
    }

    [Fact]
    public void Pin_PooledBlock_GivesStableAddress()
    {
        using var pool = new BlockMemoryPool(4096);
        using var owner = pool.Rent();
        using var handle = owner.Memory.Pin();
        unsafe
        {
            Assert.True(handle.Pointer != null);
        }
    }
}
