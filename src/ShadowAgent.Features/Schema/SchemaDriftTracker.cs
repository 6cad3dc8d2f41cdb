using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Schema;

/// <summary>
/// Compares each window's schema of one stream with the stream's baseline and reports what changed.
/// <para>
/// The baseline is the merge of the last <see cref="BaselineWindows"/> non-empty windows: exact (no decay
/// constant to explain), bounded (that many snapshots), and a one-off window ages out after a known number
/// of windows. A field's baseline share is the records carrying it over the records of those windows.
/// </para>
/// <para>
/// Events per window, against the baseline before the window joins it:
/// <see cref="SchemaDriftKind.FieldAppeared"/> for a path the baseline lacks;
/// <see cref="SchemaDriftKind.FieldDisappeared"/> for a path with baseline share ≥ <see cref="CommonShare"/>
/// absent from the window; <see cref="SchemaDriftKind.TypeChanged"/> when the window's types for a path are
/// not a subset of the baseline's (a type seen before vanishing for a window is not a change);
/// <see cref="SchemaDriftKind.ShareShifted"/> when a path's share differs from the baseline's by at least
/// <see cref="ShareShift"/> (an absent path that is not reported as disappeared counts as share 0).
/// A state that persists is reported once: a disappeared field is not reported again until it has been
/// seen again, and a share shift is not reported again until the share moves by the threshold from the
/// share last reported. The first non-empty window only starts the baseline; windows without records are
/// ignored (they say nothing about the schema).
/// </para>
/// Not thread-safe: one tracker per stream, fed by the window close.
/// </summary>
public sealed class SchemaDriftTracker
{
    private readonly Queue<SchemaSnapshot> _history;
    private readonly HashSet<ulong> _gone = [];
    private readonly Dictionary<ulong, double> _reportedShare = [];

    public SchemaDriftTracker(int baselineWindows = 6, double commonShare = 0.5, double shareShift = 0.25)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baselineWindows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(baselineWindows, 1024);
        if (!(commonShare > 0 && commonShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(commonShare), commonShare, "The common share must be in (0, 1].");
        }

        if (!(shareShift > 0 && shareShift <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(shareShift), shareShift, "The share shift must be in (0, 1].");
        }

        BaselineWindows = baselineWindows;
        CommonShare = commonShare;
        ShareShift = shareShift;
        _history = new Queue<SchemaSnapshot>(baselineWindows);
    }

    public int BaselineWindows { get; }

    public double CommonShare { get; }

    public double ShareShift { get; }

    /// <summary>The merge of the windows the next window is compared with.</summary>
    public SchemaSnapshot Baseline { get; private set; } = SchemaSnapshot.Empty;

    /// <summary>Compares the window with the baseline, then adds it to the baseline. Events are ordered by kind, then path.</summary>
    public IReadOnlyList<SchemaDriftEvent> Observe(SchemaSnapshot window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Records == 0)
        {
            return [];
        }

        var events = Baseline.Records == 0 ? [] : Compare(Baseline, window);

        if (_history.Count == BaselineWindows)
        {
            _history.Dequeue();
        }

        _history.Enqueue(window);
        var baseline = SchemaSnapshot.Empty;
        foreach (var snapshot in _history)
        {
            baseline = SchemaSnapshot.Merge(baseline, snapshot);
        }

        Baseline = baseline;
        Prune();
        events.Sort(static (x, y) => x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind) : string.CompareOrdinal(x.Path, y.Path));
        return events;
    }

    private List<SchemaDriftEvent> Compare(SchemaSnapshot baseline, SchemaSnapshot window)
    {
        var events = new List<SchemaDriftEvent>();
        foreach (var field in window.Fields)
        {
            var share = SchemaSnapshot.Share(field, window.Records);
            _gone.Remove(field.PathHash);
            if (!baseline.TryGetField(field.PathHash, out var old))
            {
                events.Add(new SchemaDriftEvent(SchemaDriftKind.FieldAppeared, field.PathHash, field.Path, JsonTypes.None, field.Types, 0, share));
                continue;
            }

            var oldShare = SchemaSnapshot.Share(old, baseline.Records);
            if ((field.Types & ~old.Types) != 0)
            {
                events.Add(new SchemaDriftEvent(SchemaDriftKind.TypeChanged, field.PathHash, field.Path, old.Types, field.Types, oldShare, share));
            }

            ShareShifted(events, old, oldShare, field.Types, share);
        }

        foreach (var old in baseline.Fields)
        {
            if (window.TryGetField(old.PathHash, out _))
            {
                continue;
            }

            var oldShare = SchemaSnapshot.Share(old, baseline.Records);
            if (oldShare >= CommonShare)
            {
                if (_gone.Add(old.PathHash))
                {
                    events.Add(new SchemaDriftEvent(SchemaDriftKind.FieldDisappeared, old.PathHash, old.Path, old.Types, JsonTypes.None, oldShare, 0));
                    _reportedShare[old.PathHash] = 0;
                }
            }
            else
            {
                ShareShifted(events, old, oldShare, JsonTypes.None, 0);
            }
        }

        return events;
    }

    private void ShareShifted(List<SchemaDriftEvent> events, in SchemaField old, double oldShare, JsonTypes types, double share)
    {
        if (Math.Abs(share - oldShare) < ShareShift)
        {
            return;
        }

        if (_reportedShare.TryGetValue(old.PathHash, out var reported) && Math.Abs(share - reported) < ShareShift)
        {
            return;
        }

        _reportedShare[old.PathHash] = share;
        events.Add(new SchemaDriftEvent(SchemaDriftKind.ShareShifted, old.PathHash, old.Path, old.Types, types, oldShare, share));
    }

    /// <summary>State of fields that aged out of the baseline goes with them, so it stays bounded.</summary>
    private void Prune()
    {
        _gone.RemoveWhere(hash => !Baseline.TryGetField(hash, out _));
        foreach (var hash in _reportedShare.Keys)
        {
            if (!Baseline.TryGetField(hash, out _))
            {
                _reportedShare.Remove(hash);
            }
        }
    }
}
