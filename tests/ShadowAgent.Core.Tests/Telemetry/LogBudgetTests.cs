using ShadowAgent.Core.Telemetry;
using ShadowAgent.Testing;

namespace ShadowAgent.Core.Tests.Telemetry;

public sealed class LogBudgetTests
{
    [Fact]
    public void TryTake_OverBudget_SuppressesAndReportsTheCountWithTheNextLine()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var budget = new LogBudget(3, TimeSpan.FromSeconds(1), time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(budget.TryTake(out var before));
            Assert.Equal(0, before);
        }

        for (var i = 0; i < 1000; i++)
        {
            Assert.False(budget.TryTake(out _));
        }

        Assert.Equal(1000, budget.Suppressed);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(budget.TryTake(out _)); // still the same second

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(budget.TryTake(out var suppressed));
        Assert.Equal(1001, suppressed);
        Assert.Equal(0, budget.Suppressed);
        Assert.True(budget.TryTake(out suppressed));
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogBudget(0, TimeSpan.FromSeconds(1), TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogBudget(1, TimeSpan.Zero, TimeProvider.System));
    }
}
