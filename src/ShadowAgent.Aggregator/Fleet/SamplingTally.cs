using ShadowAgent.Aggregator.Api;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>The sampling settings of the merged profiles, per host, and whether they all agree.</summary>
internal sealed class SamplingTally
{
    private readonly Dictionary<(string Host, SamplingMode Mode, double Rate, string KeyField), (int Profiles, ulong Sampled)> _entries = [];
    private readonly HashSet<(SamplingMode Mode, double Rate, string KeyField)> _settings = [];

    /// <summary>True when every profile sampled the same way (or there was none).</summary>
    public bool IsConsistent => _settings.Count <= 1;

    /// <summary>The common rate when consistent (1 when nothing is sampled).</summary>
    public double Rate => _settings.Count == 1 ? _settings.First().Rate : 1;

    public SamplingMode Mode => _settings.Count == 1 ? _settings.First().Mode : SamplingMode.All;

    public ulong SampledRecords { get; private set; }

    /// <summary>Adds a profile; one without sampling info (an older agent) sketched every parsed record.</summary>
    public void Add(string host, ShadowProfile profile)
    {
        var info = profile.Sampling;
        var mode = info?.Mode ?? SamplingMode.All;
        // Mode "all" carries no meaningful rate or key: every one of them is the same setting.
        var rate = mode == SamplingMode.All ? 1.0 : info!.Rate;
        var keyField = mode == SamplingMode.Hash ? info!.KeyField : "";
        var sampled = info?.SampledRecords ?? (profile.Volume?.Parsed ?? 0);
        _settings.Add((mode, rate, keyField));
        var key = (host, mode, rate, keyField);
        _entries.TryGetValue(key, out var entry);
        _entries[key] = (entry.Profiles + 1, entry.Sampled + sampled);
        SampledRecords += sampled;
    }

    public FleetSampling ToInfo()
    {
        var hosts = _entries
            .OrderBy(e => e.Key.Host, StringComparer.Ordinal).ThenBy(e => e.Key.Mode).ThenBy(e => e.Key.Rate)
            .Select(e => new HostSamplingInfo(e.Key.Host, ProtoNames.Of(e.Key.Mode), e.Key.Rate, e.Key.KeyField, e.Value.Profiles, e.Value.Sampled))
            .ToList();
        return IsConsistent
            ? new FleetSampling(true, ProtoNames.Of(Mode), Rate, hosts)
            : new FleetSampling(false, ProtoNames.Mixed, null, hosts);
    }
}
