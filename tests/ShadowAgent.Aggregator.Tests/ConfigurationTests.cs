using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Hosting;

namespace ShadowAgent.Aggregator.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Aggregator:GrpcListen=x", "Aggregator:GrpcListen: 'x' is not host:port")]
    [InlineData("--Aggregator:HttpListen=127.0.0.1:99999", "Aggregator:HttpListen: '127.0.0.1:99999' is not host:port")]
    [InlineData("--Aggregator:ProfileRetention=-1.00:00:00", "Aggregator:ProfileRetention: '-1.00:00:00' must be positive")]
    [InlineData("--Aggregator:HeartbeatInterval=00:00:00.001", "Aggregator:HeartbeatInterval:")]
    [InlineData("--Aggregator:ProfileRetention=soon", "'Aggregator:ProfileRetention'")]
    [InlineData("--Aggregator:FleetMaxProfiles=0", "Aggregator:FleetMaxProfiles: '0' must be between 1 and 1000000")]
    public void Build_InvalidValue_ErrorNamesKey(string arg, string expected)
    {
        var directory = TestAggregator.NewDirectory();
        var error = Assert.Throws<AggregatorConfigException>(() => AggregatorHost.Build(TestAggregator.Args(directory, arg)));
        Assert.Contains(error.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SameListenAddressTwice_Rejected()
    {
        var directory = TestAggregator.NewDirectory();
        var error = Assert.Throws<AggregatorConfigException>(() => AggregatorHost.Build(
            TestAggregator.Args(directory, "--Aggregator:GrpcListen=127.0.0.1:7400", "--Aggregator:HttpListen=127.0.0.1:7400")));
        Assert.Contains(error.Errors, e => e.StartsWith("Aggregator:HttpListen:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_ConfigFile_ValuesApplyAndCommandLineWins()
    {
        var directory = TestAggregator.NewDirectory();
        var file = Path.Combine(directory, "aggregator.json");
        await File.WriteAllTextAsync(file, """
            { "Aggregator": { "HeartbeatInterval": "00:00:02", "ProfileRetention": "3.00:00:00", "GrpcListen": "127.0.0.1:1" } }
            """);
        await using var app = AggregatorHost.Build(TestAggregator.Args(directory, "--config", file));
        var options = app.Services.GetRequiredService<AggregatorOptions>();
        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromDays(3), options.ProfileRetention);
        Assert.Equal("127.0.0.1:0", options.GrpcListen);
    }

    [Fact]
    public void Build_MissingConfigFile_ErrorNamesOption()
    {
        var directory = TestAggregator.NewDirectory();
        var error = Assert.Throws<AggregatorConfigException>(() => AggregatorHost.Build(
            TestAggregator.Args(directory, "--config", Path.Combine(directory, "missing.json"))));
        Assert.Equal($"--config: file '{Path.Combine(directory, "missing.json")}' not found", Assert.Single(error.Errors));
    }
}
