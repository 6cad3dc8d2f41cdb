using ShadowAgent.Aggregator.Api;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>
/// Merges the profiles of one stream across hosts into one answer: exact volume sums, exact numeric summaries,
/// and merged sketches (HLL union, frequent items, DDSketch) read from the stored payloads, one profile at a time.
/// </summary>
/// <remarks>
/// Hopping windows overlap, so the merge takes two views of the same profiles. Exact volume adds every profile's
/// hop_volume (the newest hop only). Window content (numeric summaries, sketches, sampled records) comes from a
/// non-overlapping subset per host, chosen oldest first: a hopping profile is taken when its window starts at or
/// after the end of the last one taken. Tumbling profiles are always taken (two sessions' pieces of one window
/// hold different records). Sketches that do not decode are skipped and counted; the request never fails on them.
/// </remarks>
internal static class FleetMerge
{
    /// <summary>The order <see cref="Run"/> needs: by host, then window start and end, then arrival.</summary>
    public static void SortForMerge(List<ProfileKeyRow> keys) => keys.Sort(static (a, b) =>
    {
        var order = string.CompareOrdinal(a.HostId, b.HostId);
        if (order == 0)
        {
            order = a.WindowStartMs.CompareTo(b.WindowStartMs);
        }

        if (order == 0)
        {
            order = a.WindowEndMs.CompareTo(b.WindowEndMs);
        }

        return order != 0 ? order : a.ProfileId.CompareTo(b.ProfileId);
    });

    /// <summary>
    /// Merges <paramref name="payloads"/>, which must be the payloads of <paramref name="keys"/> in the same order, and
    /// <paramref name="keys"/> ordered by host, then window start (what the hopping-window selection needs).
    /// </summary>
    public static FleetStreamSummary Run(
        string stream, FleetQuery query, IReadOnlyList<ProfileKeyRow> keys, IEnumerable<byte[]> payloads, bool truncated, int maxProfiles,
        Action<string>? onUndecodable)
    {
        var volume = new VolumeSum();
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        long? start = null;
        long? end = null;
        var merged = 0;
        var contentProfiles = 0;
        var lastEnd = new Dictionary<string, long>(StringComparer.Ordinal);
        var sampling = new SamplingTally();
        var tally = new SketchTally(onUndecodable);
        var numeric = new Dictionary<string, NumericAccumulator>(StringComparer.Ordinal);
        var fields = new Dictionary<string, KeyAccumulator>(StringComparer.Ordinal);
        var index = 0;
        foreach (var payload in payloads)
        {
            var key = keys[index++];
            if (payload.Length == 0)
            {
                continue; // pruned between listing and reading
            }

            var profile = ShadowProfile.Parser.ParseFrom(payload);
            var host = key.HostId;
            merged++;
            hosts.Add(host);
            start = Math.Min(start ?? long.MaxValue, key.WindowStartMs);
            end = Math.Max(end ?? long.MinValue, key.WindowEndMs);
            volume.Add(profile.HopVolume ?? profile.Volume ?? new VolumeCounters());

            var taken = lastEnd.TryGetValue(host, out var previous);
            if (profile.HopVolume is not null && taken && key.WindowStartMs < previous)
            {
                continue;
            }

            lastEnd[host] = Math.Max(key.WindowEndMs, taken ? previous : long.MinValue);
            contentProfiles++;
            sampling.Add(host, profile);
            foreach (var summary in profile.Numeric)
            {
                if (!numeric.TryGetValue(summary.Field, out var accumulator))
                {
                    numeric[summary.Field] = accumulator = new NumericAccumulator(summary.Field);
                }

                accumulator.Add(summary, tally);
            }

            foreach (var field in profile.Keys)
            {
                if (!fields.TryGetValue(field.Field, out var accumulator))
                {
                    fields[field.Field] = accumulator = new KeyAccumulator(field.Field);
                }

                accumulator.Add(field, tally);
            }
        }

        return new FleetStreamSummary(
            stream, query.FromMs, query.ToMs, hosts.ToList(), merged, contentProfiles, truncated, maxProfiles, start, end,
            volume.ToInfo(), sampling.SampledRecords, sampling.ToInfo(),
            numeric.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Value.ToInfo(sampling, query.IncludeSketches)).ToList(),
            fields.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value.ToInfo(sampling, query.K, query.IncludeSketches)).ToList(),
            tally.Undecodable, tally.Incompatible);
    }

    private sealed class VolumeSum
    {
        private ulong _records;
        private ulong _bytes;
        private ulong _parsed;
        private ulong _malformed;
        private ulong _invalidUtf8;
        private ulong _oversize;
        private ulong _droppedRecords;
        private ulong _droppedBytes;
        private ulong _late;
        private ulong _missingTime;

        public void Add(VolumeCounters v)
        {
            _records += v.Records;
            _bytes += v.Bytes;
            _parsed += v.Parsed;
            _malformed += v.Malformed;
            _invalidUtf8 += v.InvalidUtf8;
            _oversize += v.Oversize;
            _droppedRecords += v.DroppedRecords;
            _droppedBytes += v.DroppedBytes;
            _late += v.LateRecords;
            _missingTime += v.MissingEventTime;
        }

        public FleetVolume ToInfo() => new(
            _records, _bytes, _parsed, _malformed + _invalidUtf8 + _oversize, _malformed, _invalidUtf8, _oversize, _droppedRecords,
            _droppedBytes, _late, _missingTime);
    }
}
