using System.Text.RegularExpressions;

namespace ShadowAgent.EndToEnd.Tests;

[Collection(PublishedAgentCollection.Name)]
public sealed partial class AotPublishTests(PublishedAgent agent)
{
    [Fact]
    public void Publish_NativeAot_SucceedsWithoutTrimOrAotWarnings()
    {
        Assert.True(agent.ExitCode == 0, "dotnet publish failed:\n" + agent.Output);
        var warnings = WarningLine().Matches(agent.Output).Select(m => m.Value).Distinct().ToList();
        Assert.True(warnings.Count == 0, "publish reported warnings:\n" + string.Join('\n', warnings));
        Assert.True(File.Exists(agent.BinaryPath), "no binary at " + agent.BinaryPath);
    }

    // Trim analysis (IL2xxx), AOT analysis (IL3xxx) and any other warning the publish prints.
    [GeneratedRegex(@"^.*\bwarning\b.*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex WarningLine();
}
