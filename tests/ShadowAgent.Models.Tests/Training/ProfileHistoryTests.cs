using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests.Training;

public sealed class ProfileHistoryTests
{
    [Fact]
    public void Snapshot_AfterWrapping_NewestRowsOldestFirst()
    {
        var history = new ProfileHistory(features: 2, capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            history.Add([i, -i]);
        }

        var rows = history.Snapshot();

        Assert.Equal(3, rows.Rows);
        Assert.Equal(5, history.Total);
        Assert.Equal([2f, -2f], rows[0].ToArray());
        Assert.Equal([4f, -4f], rows[2].ToArray());
    }

    [Fact]
    public void Snapshot_BeforeFull_OnlyRowsAdded()
    {
        var history = new ProfileHistory(features: 1, capacity: 10);
        history.Add([7]);

        Assert.Equal([7f], history.Snapshot()[0].ToArray());
        Assert.Equal(1, history.Snapshot().Rows);
    }

    [Fact]
    public void Add_NonFinite_ArgumentException()
    {
        var history = new ProfileHistory(features: 2, capacity: 3);

        Assert.Throws<ArgumentException>(() => history.Add([1, double.NaN]));
        Assert.Equal(0, history.Count);
    }
}
