namespace ShadowAgent.Aggregator.Store;

/// <summary>The database cannot be used by this version of the aggregator.</summary>
public sealed class StoreSchemaException(string message) : Exception(message);
