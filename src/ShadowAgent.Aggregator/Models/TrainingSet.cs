using System.Globalization;
using Google.Protobuf;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Models.Training;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Models;

/// <summary>
/// The rows a stream's models are trained on: the newest whole windows of every host's stream of that name, each turned
/// into the agent's feature vector. A value a window lacks is replaced, per host and in window order, by the feature's
/// last value on that host (0 before the first) — exactly what the agent's <c>ModelDetector</c> does before it scores, so
/// training and scoring see the same imputed numbers.
/// </summary>
internal sealed record TrainingSet(FeatureMatrix Rows, int Hosts, long DataThroughMs, int Undecodable)
{
    public static TrainingSet? Load(string databasePath, IReadOnlyList<StreamRow> streams, StoredProfileFeatures features, int maxProfiles)
    {
        if (streams.Count == 0)
        {
            return null;
        }

        var stored = new List<(long StreamId, long WindowStartMs, long WindowEndMs, byte[] Payload)>();
        using (var connection = SqliteDb.Open(databasePath))
        using (var query = connection.CreateCommand())
        {
            var names = new string[streams.Count];
            for (var i = 0; i < streams.Count; i++)
            {
                names[i] = "$s" + i.ToString(CultureInfo.InvariantCulture);
                query.Parameters.AddWithValue(names[i], streams[i].StreamId);
            }

            query.CommandText = $"""
                SELECT stream_id, window_start_ms, window_end_ms, payload FROM profiles
                WHERE stream_id IN ({string.Join(',', names)}) AND partial = 0
                ORDER BY window_start_ms DESC, profile_id DESC LIMIT $limit
                """;
            query.Parameters.AddWithValue("$limit", maxProfiles);
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                stored.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (byte[])reader.GetValue(3)));
            }
        }

        if (stored.Count == 0)
        {
            return null;
        }

        // Per host, oldest first: the order the agent saw its windows in.
        stored.Sort((a, b) => a.StreamId != b.StreamId ? a.StreamId.CompareTo(b.StreamId) : a.WindowStartMs.CompareTo(b.WindowStartMs));
        var width = features.Names.Count;
        var values = new float[stored.Count * width];
        var vector = new double[width];
        var last = new double[width];
        var rows = 0;
        var undecodable = 0;
        long currentStream = -1;
        long through = 0;
        var hosts = new HashSet<long>();
        foreach (var (streamId, _, windowEndMs, payload) in stored)
        {
            ShadowProfile profile;
            try
            {
                profile = ShadowProfile.Parser.ParseFrom(payload);
            }
            catch (InvalidProtocolBufferException)
            {
                undecodable++;
                continue;
            }

            if (streamId != currentStream)
            {
                currentStream = streamId;
                Array.Clear(last);
            }

            features.Extract(profile, vector);
            for (var f = 0; f < width; f++)
            {
                if (double.IsFinite(vector[f]))
                {
                    last[f] = vector[f];
                }

                values[(rows * width) + f] = (float)last[f];
            }

            rows++;
            hosts.Add(streamId);
            through = Math.Max(through, windowEndMs);
        }

        return rows == 0 ? null : new TrainingSet(new FeatureMatrix(values[..(rows * width)], width), hosts.Count, through, undecodable);
    }
}
