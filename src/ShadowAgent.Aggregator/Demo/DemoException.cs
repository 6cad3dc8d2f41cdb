namespace ShadowAgent.Aggregator.Demo;

/// <summary>A reason the demo cannot go on, printed as one message instead of a stack trace.</summary>
internal sealed class DemoException(string message) : Exception(message);
