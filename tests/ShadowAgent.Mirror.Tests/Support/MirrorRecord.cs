namespace ShadowAgent.Mirror.Tests.Support;

/// <summary>One record the mirror emitted, with its fields by name.</summary>
internal sealed record MirrorRecord(Dictionary<string, string> Keys, Dictionary<string, double> Numbers, int Bytes)
{
    public bool IsShadow => Keys.TryGetValue("path", out var p) && p == "shadow";

    public double Number(string name) => Numbers.TryGetValue(name, out var v) ? v : double.NaN;
}
