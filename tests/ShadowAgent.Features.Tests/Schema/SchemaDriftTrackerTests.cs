using ShadowAgent.Core.Records;
using ShadowAgent.Features.Schema;
using static ShadowAgent.Features.Tests.Schema.SchemaSnapshotTests;

namespace ShadowAgent.Features.Tests.Schema;

public sealed class SchemaDriftTrackerTests
{
    private const JsonTypes S = JsonTypes.String;
    private const JsonTypes N = JsonTypes.Number;

    private static SchemaSnapshot W(long records, params SchemaField[] fields) => SchemaSnapshot.Create(records, 0, fields);

    private static SchemaDriftEvent E(SchemaDriftKind kind, string path, JsonTypes oldTypes, JsonTypes newTypes, double oldShare, double newShare) =>
        new(kind, F(path, default, 0).PathHash, path, oldTypes, newTypes, oldShare, newShare);

    [Fact]
    public void Observe_FirstWindow_NoEventsAndBecomesBaseline()
    {
        var tracker = new SchemaDriftTracker();

        Assert.Empty(tracker.Observe(W(10, F("a", N, 10))));
        Assert.Equal(10, tracker.Baseline.Records);
    }

    [Fact]
    public void Observe_SameSchema_NoEvents()
    {
        var tracker = new SchemaDriftTracker();
        tracker.Observe(W(10, F("a", N, 10), F("b", S, 5)));

        Assert.Empty(tracker.Observe(W(20, F("b", S, 11), F("a", N, 20))));
    }

    [Fact]
    public void Observe_CraftedSequence_ExactEvents()
    {
        var tracker = new SchemaDriftTracker(baselineWindows: 2, commonShare: 0.5, shareShift: 0.25);
        tracker.Observe(W(10, F("a", N, 10), F("b", S, 10), F("c", S, 3), F("d", N, 10)));

        // c goes from 0.3 to 0 (not common: a shift), b disappears, a gains a type, e appears, d drops to half.
        var events = tracker.Observe(W(10, F("a", N | S, 10), F("d", N, 5), F("e", JsonTypes.Boolean, 2)));

        Assert.Equal(
            [
                E(SchemaDriftKind.FieldAppeared, "e", JsonTypes.None, JsonTypes.Boolean, 0, 0.2),
                E(SchemaDriftKind.FieldDisappeared, "b", S, JsonTypes.None, 1, 0),
                E(SchemaDriftKind.TypeChanged, "a", N, N | S, 1, 1),
                E(SchemaDriftKind.ShareShifted, "c", S, JsonTypes.None, 0.3, 0),
                E(SchemaDriftKind.ShareShifted, "d", N, N, 1, 0.5),
            ],
            events);
    }

    [Fact]
    public void Observe_PersistingChange_ReportedOnce()
    {
        var tracker = new SchemaDriftTracker(baselineWindows: 4);
        for (var i = 0; i < 4; i++)
        {
            tracker.Observe(W(10, F("a", N, 10), F("b", S, 10)));
        }

        Assert.Equal([SchemaDriftKind.FieldDisappeared], tracker.Observe(W(10, F("a", N, 10))).Select(e => e.Kind));

        // b's baseline share is 0.75 then 0.5: still common, already reported.
        Assert.Empty(tracker.Observe(W(10, F("a", N, 10))));
        Assert.Empty(tracker.Observe(W(10, F("a", N, 10))));
    }

    [Fact]
    public void Observe_FieldReturns_DisappearanceReportedAgainLater()
    {
        var tracker = new SchemaDriftTracker(baselineWindows: 2);
        tracker.Observe(W(10, F("a", N, 10)));
        Assert.Equal([SchemaDriftKind.FieldDisappeared], tracker.Observe(W(10, F("z", N, 10))).Select(e => e.Kind).Where(k => k == SchemaDriftKind.FieldDisappeared));

        var back = tracker.Observe(W(10, F("a", N, 10), F("z", N, 10)));
        Assert.Equal([E(SchemaDriftKind.ShareShifted, "a", N, N, 0.5, 1), E(SchemaDriftKind.ShareShifted, "z", N, N, 0.5, 1)], back);

        tracker.Observe(W(10, F("a", N, 10), F("z", N, 10)));
        var gone = tracker.Observe(W(10, F("z", N, 10)));
        Assert.Equal([E(SchemaDriftKind.FieldDisappeared, "a", N, JsonTypes.None, 1, 0)], gone);
    }

    [Fact]
    public void Observe_ShareShiftPersists_NotReportedUntilItMovesAgain()
    {
        var tracker = new SchemaDriftTracker(baselineWindows: 3, shareShift: 0.25);
        tracker.Observe(W(10, F("a", N, 1)));

        Assert.Equal([E(SchemaDriftKind.ShareShifted, "a", N, N, 0.1, 0.9)], tracker.Observe(W(10, F("a", N, 9))));
        Assert.Empty(tracker.Observe(W(10, F("a", N, 9))));

        // Baseline share (1 + 9 + 9) / 30 is far from 0.1 and the last report was 0.9.
        var events = tracker.Observe(W(10, F("a", N, 1)));
        Assert.Equal(SchemaDriftKind.ShareShifted, Assert.Single(events).Kind);
        Assert.Equal(19.0 / 30, events[0].OldShare, 12);
        Assert.Equal(0.1, events[0].NewShare);
    }

    [Fact]
    public void Observe_TypeSubsetOfBaseline_NoTypeChange()
    {
        var tracker = new SchemaDriftTracker();
        tracker.Observe(W(10, F("a", N | JsonTypes.Null, 10)));

        Assert.Empty(tracker.Observe(W(10, F("a", N, 10))));
    }

    [Fact]
    public void Observe_OneOffFieldAgesOut_AppearsAgainAfterBaselineWindows()
    {
        var tracker = new SchemaDriftTracker(baselineWindows: 2);
        tracker.Observe(W(10, F("a", N, 10)));
        Assert.Equal(SchemaDriftKind.FieldAppeared, Assert.Single(tracker.Observe(W(10, F("a", N, 10), F("x", S, 1)))).Kind);
        tracker.Observe(W(10, F("a", N, 10)));
        tracker.Observe(W(10, F("a", N, 10)));

        Assert.Equal(SchemaDriftKind.FieldAppeared, Assert.Single(tracker.Observe(W(10, F("a", N, 10), F("x", S, 1)))).Kind);
    }

    [Fact]
    public void Observe_EmptyWindow_IgnoredEntirely()
    {
        var tracker = new SchemaDriftTracker(baselineWindows: 1);
        tracker.Observe(W(10, F("a", N, 10)));

        Assert.Empty(tracker.Observe(SchemaSnapshot.Empty));
        Assert.Empty(tracker.Observe(W(10, F("a", N, 10))));
        Assert.Equal(10, tracker.Baseline.Records);
    }

    [Theory]
    [InlineData(0, 0.5, 0.25)]
    [InlineData(2, 0, 0.25)]
    [InlineData(2, 1.5, 0.25)]
    [InlineData(2, 0.5, double.NaN)]
    public void Constructor_BadSettings_Throws(int windows, double common, double shift)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SchemaDriftTracker(windows, common, shift));
    }
}
