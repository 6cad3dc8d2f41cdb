using Microsoft.Data.Sqlite;

namespace ShadowAgent.Aggregator.Store;

/// <summary>Opens connections with the pragmas every connection needs.</summary>
internal static class SqliteDb
{
    public static SqliteConnection Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // WAL lets the API read while ingest writes. synchronous=FULL because an ack tells the agent it may
        // forget the batch: a commit must survive a power loss, not only a process crash. It costs one
        // fsync per batch, and agents send one batch per window.
        pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
        pragmas.ExecuteNonQuery();
        return connection;
    }
}
