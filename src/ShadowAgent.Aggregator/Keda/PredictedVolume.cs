using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Keda;

/// <summary>
/// The predicted peak records per second of one stream over the next windows, summed over the hosts that have it:
/// per host, the larger of the newest window's rate and the highest forecast point (records per window over the
/// window's seconds) within the horizon. Taking the current rate too keeps replicas while load is still here even
/// when the forecast expects it to fall.
/// </summary>
internal sealed class PredictedVolume(StoreReader reader)
{
    public PredictedRate? Compute(string stream, IReadOnlyCollection<string>? hosts, int horizon, bool upper)
    {
        var rows = reader.ListStreams().FindAll(s => s.Name == stream && (hosts is null || hosts.Contains(s.HostId)));
        if (rows.Count == 0)
        {
            return null;
        }

        double total = 0;
        var forecastHosts = 0;
        foreach (var row in rows)
        {
            var newest = reader.ListProfiles(row.StreamId, 4, null).Find(p => !p.Partial);
            if (newest is null)
            {
                continue;
            }

            var profile = ShadowProfile.Parser.ParseFrom(newest.Payload);
            var seconds = Math.Max(1, profile.WindowEndUnixMs - profile.WindowStartUnixMs) / 1000.0;
            var volume = profile.Volume ?? new VolumeCounters();
            var peak = volume.RatePerSecond > 0 ? volume.RatePerSecond : volume.Records / seconds;
            if (profile.Forecast is { Points.Count: > 0 } forecast && forecast.Series is "" or "records")
            {
                forecastHosts++;
                for (var i = 0; i < Math.Min(horizon, forecast.Points.Count); i++)
                {
                    var point = forecast.Points[i];
                    peak = Math.Max(peak, Math.Max(0, upper ? point.Upper : point.Value) / seconds);
                }
            }

            total += peak;
        }

        return new PredictedRate(total, rows.Count, forecastHosts);
    }
}

/// <param name="RecordsPerSecond">Predicted peak over the horizon, summed over hosts.</param>
/// <param name="Hosts">Hosts with the stream.</param>
/// <param name="ForecastHosts">Hosts whose newest profile carried a forecast (the others count at their current rate).</param>
internal sealed record PredictedRate(double RecordsPerSecond, int Hosts, int ForecastHosts);
