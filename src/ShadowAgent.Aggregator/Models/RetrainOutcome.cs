namespace ShadowAgent.Aggregator.Models;

/// <summary>What one retraining of one stream did.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Status">"trained", "unchanged" (no new whole window since the newest model), "not_enough_profiles" or
/// "unknown_stream".</param>
/// <param name="Rows">Whole windows read for training.</param>
/// <param name="Models">The versions stored (both kinds) when trained.</param>
/// <param name="Shipped">Model updates queued to connected agents.</param>
/// <param name="Detail">Why it did not train.</param>
internal sealed record RetrainOutcome(string Stream, string Status, int Rows, IReadOnlyList<ModelRow> Models, int Shipped, string? Detail)
{
    public const string Trained = "trained";
    public const string Unchanged = "unchanged";
    public const string NotEnoughProfiles = "not_enough_profiles";
    public const string UnknownStream = "unknown_stream";
}
