using System.Collections;
using ShadowAgent.Agent.Configuration;

namespace ShadowAgent.Agent.Tests.Configuration;

public sealed class AgentConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agent-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] OneStream =
    [
        "--Agent:Streams:0:Name=web",
        "--Agent:Streams:0:Tap:Address=127.0.0.1:7410",
    ];

    private (AgentOptions? Options, List<string> Errors) Load(string[] args, IDictionary? env = null) =>
        AgentConfig.Load(args, env ?? new Hashtable(), Path.Combine(_dir, "absent.json"));

    private string WriteJson(string json)
    {
        var path = Path.Combine(_dir, "agent.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_OneStreamOnCommandLine_BindsWithDefaults()
    {
        var (options, errors) = Load(OneStream);

        Assert.Empty(errors);
        Assert.NotNull(options);
        var stream = Assert.Single(options.Streams);
        Assert.Equal("web", stream.Name);
        Assert.Equal("127.0.0.1:7410", stream.Tap.Address);
        Assert.Equal("tcp", stream.Tap.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), stream.Window);
        Assert.Equal("http://127.0.0.1:7400", options.Aggregator.Endpoint);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.Aggregator.ReconnectMin);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Aggregator.ReconnectMax);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Aggregator.HeartbeatInterval);
        Assert.Equal(1024, options.Aggregator.MaxUnackedBatches);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
        Assert.Equal(Environment.MachineName, options.HostName);
        Assert.False(string.IsNullOrWhiteSpace(options.HostId));
    }

    [Fact]
    public void Load_JsonEnvironmentAndCommandLine_LaterSourcesWin()
    {
        var path = WriteJson("""
            {
              "Agent": {
                "HostId": "from-json",
                "HostName": "json-name",
                "Aggregator": { "Endpoint": "http://10.0.0.1:7400", "HeartbeatInterval": "00:00:02" },
                "Streams": [
                  { "Name": "web", "Tap": { "Address": "127.0.0.1:7410" }, "NumericFields": [ "latency_ms" ], "Window": "00:00:05" }
                ]
              }
            }
            """);
        var env = new Hashtable
        {
            ["SHADOW_AGENT_Agent__Aggregator__Endpoint"] = "http://10.0.0.2:7400",
            ["SHADOW_AGENT_Agent__HostId"] = "from-env",
            ["OTHER_Agent__HostName"] = "ignored",
        };

        var (options, errors) = Load(["--config", path, "--Agent:HostId=from-args"], env);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("from-args", options.HostId);
        Assert.Equal("json-name", options.HostName);
        Assert.Equal("http://10.0.0.2:7400", options.Aggregator.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Aggregator.HeartbeatInterval);
        var stream = Assert.Single(options.Streams);
        Assert.Equal(["latency_ms"], stream.NumericFields);
        Assert.Equal(TimeSpan.FromSeconds(5), stream.Window);
    }

    [Fact]
    public void Load_BadTapAddress_NamesKeyExactly()
    {
        var (options, errors) = Load(["--Agent:Streams:0:Name=web", "--Agent:Streams:0:Tap:Address=300.1.1.1:99"]);

        Assert.Null(options);
        Assert.Equal(
            ["Agent:Streams:0:Tap:Address: '300.1.1.1:99' is not a host:port with an IP address and a port 1-65535 (for example 127.0.0.1:7410)."],
            errors);
    }

    [Fact]
    public void Load_UnknownKeys_EachNamedWithFullPath()
    {
        var (options, errors) = Load([.. OneStream, "--Agent:Streams:0:Tapp:Address=x", "--Agent:Aggregator:Endpiont=x", "--Agent:Hostid2=x"]);

        Assert.Null(options);
        Assert.Contains("Agent:Streams:0:Tapp: is not a known setting.", errors);
        Assert.Contains("Agent:Aggregator:Endpiont: is not a known setting.", errors);
        Assert.Contains("Agent:Hostid2: is not a known setting.", errors);
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Load_KeysInOtherCase_Accepted()
    {
        var (options, errors) = Load(["--agent:streams:0:name=web", "--AGENT:STREAMS:0:TAP:ADDRESS=127.0.0.1:7410"]);

        Assert.Empty(errors);
        Assert.Equal("web", Assert.Single(options!.Streams).Name);
    }

    [Fact]
    public void Load_FileAndForwardTaps_BindAndValidate()
    {
        var (options, errors) = Load([
            "--Agent:Streams:0:Name=access", "--Agent:Streams:0:Format=plain", "--Agent:Streams:0:Tap:Kind=file",
            "--Agent:Streams:0:Tap:Paths:0=/var/log/app/*.log", "--Agent:Streams:0:Tap:PollInterval=00:00:00.5",
            "--Agent:Streams:0:Tap:CheckpointPath=/var/lib/shadow-agent/access.json", "--Agent:Streams:0:Tap:StartAt=end",
            "--Agent:Streams:0:Tap:Plain:KeyPattern=^(?<route>\\S+)", "--Agent:Streams:0:KeyFields:0=route",
            "--Agent:Streams:1:Name=fluent", "--Agent:Streams:1:Tap:Kind=forward", "--Agent:Streams:1:Tap:Address=127.0.0.1:24224",
            "--Agent:Streams:1:Tap:MaxFrameBytes=1048576", "--Agent:Streams:1:Tap:MaxDepth=16", "--Agent:Streams:1:Tap:MaxEntries=5000",
        ]);
        Assert.Empty(errors);
        var file = options!.Streams[0].Tap;
        Assert.Equal(["/var/log/app/*.log"], file.Paths);
        Assert.Equal(TimeSpan.FromMilliseconds(500), file.PollInterval);
        Assert.Equal("end", file.StartAt);
        Assert.Equal("^(?<route>\\S+)", file.Plain.KeyPattern);
        Assert.Equal(1048576, options.Streams[1].Tap.MaxFrameBytes);
        Assert.Equal(5000, options.Streams[1].Tap.MaxEntries);
    }

    [Fact]
    public void Load_UnknownPlainKey_NamedWithFullPath()
    {
        var (_, errors) = Load(["--Agent:Streams:0:Name=a", "--Agent:Streams:0:Tap:Kind=file", "--Agent:Streams:0:Tap:Paths:0=/tmp/a.log", "--Agent:Streams:0:Tap:Plain:Patern=x"]);
        Assert.Contains("Agent:Streams:0:Tap:Plain:Patern: is not a known setting.", errors);
    }

    [Fact]
    public void Load_NoStreams_RequiresOne()
    {
        var (options, errors) = Load([]);

        Assert.Null(options);
        Assert.Equal(["Agent:Streams: at least one stream is required."], errors);
    }

    [Fact]
    public void Load_SeveralBadValues_ReportsEveryOne()
    {
        var (options, errors) = Load(
        [
            .. OneStream,
            "--Agent:Aggregator:Endpoint=ftp://x",
            "--Agent:Aggregator:ReconnectMin=00:00:05",
            "--Agent:Aggregator:ReconnectMax=00:00:01",
            "--Agent:Aggregator:MaxUnackedBatches=0",
            "--Agent:Streams:0:Window=00:00:07",
        ]);

        Assert.Null(options);
        Assert.Equal(
        [
            "Agent:Aggregator:Endpoint: 'ftp://x' is not an absolute http:// or https:// address (for example http://127.0.0.1:7400).",
            "Agent:Aggregator:ReconnectMax: 00:00:01 must be at least ReconnectMin (00:00:05) and at most 01:00:00.",
            "Agent:Aggregator:MaxUnackedBatches: 0 is outside 1 to 1000000.",
            "Agent:Streams:0:Window: 00:00:07 must divide a day evenly so windows align across hosts.",
        ],
        errors);
    }

    [Fact]
    public void Load_UnconvertibleValue_NamesKey()
    {
        var (options, errors) = Load([.. OneStream, "--Agent:Aggregator:ReconnectMin=soon"]);

        Assert.Null(options);
        Assert.Equal(["Agent:Aggregator:ReconnectMin: 'soon' is not a valid duration (hh:mm:ss[.fff])."], errors);
    }

    [Fact]
    public void Load_NonNumericCount_NamesKey()
    {
        var (options, errors) = Load([.. OneStream, "--Agent:Streams:0:Tap:MaxConnections=many"]);

        Assert.Null(options);
        Assert.Equal(["Agent:Streams:0:Tap:MaxConnections: 'many' is not a valid whole number."], errors);
    }

    [Fact]
    public void Load_MissingConfigFile_Reported()
    {
        var missing = Path.Combine(_dir, "nope.json");

        var (options, errors) = Load(["--config", missing, .. OneStream]);

        Assert.Null(options);
        Assert.Equal([$"--config: '{missing}' does not exist."], errors);
    }

    [Fact]
    public void Load_InvalidJson_ReportedOnOneLine()
    {
        var path = WriteJson("{ \"Agent\": ");

        var (options, errors) = Load(["--config", path]);

        Assert.Null(options);
        var error = Assert.Single(errors);
        Assert.StartsWith($"--config: '{path}' could not be read:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DefaultConfigPathPresent_Used()
    {
        var path = WriteJson("""{ "Agent": { "HostId": "h1", "Streams": [ { "Name": "a", "Tap": { "Address": "127.0.0.1:7411" } } ] } }""");

        var (options, errors) = AgentConfig.Load([], new Hashtable(), path);

        Assert.Empty(errors);
        Assert.Equal("h1", options!.HostId);
    }

    [Fact]
    public async Task RunAsync_InvalidConfiguration_ExitCode2()
    {
        var code = await AgentProgram.RunAsync(["--check-config", "--Agent:Streams:0:Name=web", "--Agent:Streams:0:Tap:Address=nope"]);

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task RunAsync_CheckConfigValid_ExitCode0WithoutStarting()
    {
        var code = await AgentProgram.RunAsync(["--check-config", .. OneStream]);

        Assert.Equal(0, code);
    }

    [Fact]
    public async Task RunAsync_TapAddressInUse_ExitCode1()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;

        var code = await AgentProgram.RunAsync(["--Agent:Streams:0:Name=web", $"--Agent:Streams:0:Tap:Address=127.0.0.1:{port}"]);

        Assert.Equal(1, code);
    }

    [Fact]
    public void Parse_AgentSwitches_RemovedFromConfigurationArgs()
    {
        var command = AgentCommandLine.Parse(["--check-config", "--config=/x.json", "--Agent:HostId=a", "--version"]);

        Assert.True(command.CheckConfig);
        Assert.True(command.Version);
        Assert.Equal("/x.json", command.ConfigPath);
        Assert.Equal(["--Agent:HostId=a"], command.ConfigurationArgs);
    }

    [Fact]
    public void Load_ProbeStreamWithoutFields_GetsEveryFieldOfItsTarget()
    {
        var (options, errors) = Load(
        [
            "--Agent:Streams:0:Name=host", "--Agent:Streams:0:Tap:Kind=probe", "--Agent:Streams:0:Tap:Probe:Target=host",
            "--Agent:Streams:1:Name=web-res", "--Agent:Streams:1:Tap:Kind=probe", "--Agent:Streams:1:Tap:Probe:Target=cgroup:shadow/web",
            "--Agent:Streams:1:Tap:Probe:Interval=00:00:02", "--Agent:Streams:1:Tap:Probe:CgroupRoots:0=/sys/fs/cgroup/cpu",
            "--Agent:Streams:1:Forecast:Field=cpu.cores_used",
        ]);

        Assert.Empty(errors);
        Assert.Equal(Core.Streams.ProbeFields.Host, options!.Streams[0].NumericFields);
        Assert.Equal(Core.Streams.ProbeFields.Cgroup, options.Streams[1].NumericFields);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Streams[1].Tap.Probe.Interval);
        Assert.Equal("cpu.cores_used", options.Streams[1].Forecast.Field);
    }

    [Theory]
    [InlineData("--Agent:Streams:0:Tap:Probe:Target=cgroup:../etc", "Agent:Streams:0:Tap:Probe:Target: 'cgroup:../etc'")]
    [InlineData("--Agent:Streams:0:Tap:Probe:Target=disk", "Agent:Streams:0:Tap:Probe:Target: 'disk' is neither")]
    [InlineData("--Agent:Streams:0:Tap:Probe:Interval=00:00:00.01", "Agent:Streams:0:Tap:Probe:Interval:")]
    [InlineData("--Agent:Streams:0:NumericFields:0=latency", "Agent:Streams:0:NumericFields:0: 'latency' is not a field of a host probe")]
    [InlineData("--Agent:Streams:0:Forecast:Field=cpu.nope", "Agent:Streams:0:Forecast:Field: 'cpu.nope'")]
    [InlineData("--Agent:Streams:0:Tap:Probe:Colour=red", "Agent:Streams:0:Tap:Probe:Colour: is not a known setting.")]
    public void Load_BadProbe_ErrorNamesTheKey(string arg, string expected)
    {
        var (options, errors) = Load(["--Agent:Streams:0:Name=host", "--Agent:Streams:0:Tap:Kind=probe", arg]);
        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Agent:Streams:0:Forecast:CoarseStep=00:07:00", "Agent:Streams:0:Forecast:CoarseStep: 00:07:00 must be 0 (off) or whole milliseconds that divide a day")]
    [InlineData("--Agent:Streams:0:Forecast:CoarseStep=-00:05:00", "Agent:Streams:0:Forecast:CoarseStep: -00:05:00 must be 0")]
    [InlineData("--Agent:Streams:0:Forecast:CoarseHorizon=0", "Agent:Streams:0:Forecast:CoarseHorizon: 0 is outside 1 to 1000.")]
    public void Load_BadCoarseForecast_ErrorNamesTheKey(string arg, string expected)
    {
        var (options, errors) = Load([.. OneStream, arg]);
        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CoarseForecast_BindsAndZeroTurnsItOff()
    {
        var (options, errors) = Load([.. OneStream, "--Agent:Streams:0:Forecast:CoarseStep=00:15:00", "--Agent:Streams:0:Forecast:CoarseHorizon=8"]);
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMinutes(15), options!.Streams[0].Forecast.CoarseStep);
        Assert.Equal(8, options.Streams[0].Forecast.CoarseHorizon);

        var (off, none) = Load([.. OneStream, "--Agent:Streams:0:Forecast:CoarseStep=00:00:00"]);
        Assert.Empty(none);
        Assert.False(off!.Streams[0].Forecast.CoarseFor(off.Streams[0].EffectiveHop));
    }

    [Fact]
    public void Load_Actuation_BindsEveryKey()
    {
        var (options, errors) = Load(
        [
            .. OneStream, "--Agent:Actuation:Enabled=true", "--Agent:Actuation:DryRun=true", "--Agent:Actuation:CgroupRoots:0=/sys/fs/cgroup/cpu",
            "--Agent:Actuation:MinCpuCores=0.5", "--Agent:Actuation:MaxCpuCores=2", "--Agent:Actuation:MinMemoryBytes=1048576",
            "--Agent:Actuation:MaxMemoryBytes=1073741824", "--Agent:Actuation:MaxCommandsPerMinute=5", "--Agent:Actuation:RecentCommands=10",
            "--Agent:Actuation:Libvirt:Uri=test:///default", "--Agent:Actuation:Libvirt:Domains:0=test",
        ]);

        Assert.Empty(errors);
        var a = options!.Actuation;
        Assert.True(a.Enabled && a.DryRun);
        Assert.Equal(["/sys/fs/cgroup/cpu"], a.CgroupRoots);
        Assert.Equal((0.5, 2.0, 1048576L, 1073741824L, 5, 10), (a.MinCpuCores, a.MaxCpuCores, a.MinMemoryBytes, a.MaxMemoryBytes, a.MaxCommandsPerMinute, a.RecentCommands));
        Assert.Equal(("test:///default", "test"), (a.Libvirt.Uri, a.Libvirt.Domains.Single()));
    }

    [Theory]
    [InlineData("--Agent:Actuation:CgroupRoots:0=relative/dir", "Agent:Actuation:CgroupRoots:0: 'relative/dir'")]
    [InlineData("--Agent:Actuation:CgroupRoots:0=/", "Agent:Actuation:CgroupRoots:0: '/'")]
    [InlineData("--Agent:Actuation:MinCpuCores=0", "Agent:Actuation:MinCpuCores/MaxCpuCores:")]
    [InlineData("--Agent:Actuation:MaxCommandsPerMinute=0", "Agent:Actuation:MaxCommandsPerMinute: 0")]
    [InlineData("--Agent:Actuation:Libvirt:Domains:0=web", "Agent:Actuation:Libvirt:Domains:")]
    [InlineData("--Agent:Actuation:Enabled=true", "Agent:Actuation:Enabled: actuation is on but")]
    [InlineData("--Agent:Actuation:Bogus=1", "Agent:Actuation:Bogus: is not a known setting.")]
    [InlineData("--Agent:Actuation:Libvirt:Host=x", "Agent:Actuation:Libvirt:Host: is not a known setting.")]
    public void Load_BadActuation_ErrorNamesTheKey(string arg, string expected)
    {
        var (options, errors) = Load([.. OneStream, arg]);
        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}

public sealed class ShadowOptionsConfigTests
{
    [Fact]
    public void Load_ShadowOptionsFromJson_BindEveryKey()
    {
        var dir = Directory.CreateTempSubdirectory("agent-config-").FullName;
        try
        {
            var path = Path.Combine(dir, "agent.json");
            File.WriteAllText(path, """
                {
                  "Agent": {
                    "Streams": [
                      {
                        "Name": "web", "Tap": { "Address": "127.0.0.1:7410" },
                        "KeyFields": [ "user", "route" ], "NumericFields": [ "latency_ms" ],
                        "Window": "00:01:00", "Hop": "00:00:15",
                        "EventTime": { "Field": "ts", "Format": "UnixMilliseconds", "AllowedLateness": "00:00:05" },
                        "Sampling": { "Rate": 0.5, "Mode": "hash", "KeyField": "user" },
                        "Sketches": { "HllLgK": 12, "HllType": "hll8", "FrequentItemsLgMaxMapSize": 11, "FrequentItemsWireLgMaxMapSize": 6,
                                      "TopK": 5, "QuantileRelativeAccuracy": 0.02, "QuantileMaxBins": 1024 },
                        "Schema": { "Enabled": false, "MaxFields": 100, "MaxPathChars": 64, "MaxFieldsPerProfile": 10, "BaselineWindows": 3, "ShareShift": 0.1 },
                        "Spectral": { "Enabled": true, "MaxLength": 256, "Fields": [ "latency_ms" ] }
                      }
                    ]
                  }
                }
                """);

            var (options, errors) = AgentConfig.Load([], new Hashtable(), path);

            Assert.Empty(errors);
            var s = Assert.Single(options!.Streams);
            Assert.Equal(TimeSpan.FromSeconds(15), s.Hop);
            Assert.Equal("ts", s.EventTime.Field);
            Assert.Equal(Core.Streams.EventTimeFormat.UnixMilliseconds, s.EventTime.Format);
            Assert.Equal(TimeSpan.FromSeconds(5), s.EventTime.AllowedLateness);
            Assert.Equal((0.5, "hash", "user"), (s.Sampling.Rate, s.Sampling.Mode, s.Sampling.KeyField));
            Assert.Equal((12, "hll8", 11, 6, 5, 0.02, 1024), (s.Sketches.HllLgK, s.Sketches.HllType, s.Sketches.FrequentItemsLgMaxMapSize,
                s.Sketches.FrequentItemsWireLgMaxMapSize, s.Sketches.TopK, s.Sketches.QuantileRelativeAccuracy, s.Sketches.QuantileMaxBins));
            Assert.Equal((false, 100, 64, 10, 3, 0.1), (s.Schema.Enabled, s.Schema.MaxFields, s.Schema.MaxPathChars, s.Schema.MaxFieldsPerProfile,
                s.Schema.BaselineWindows, s.Schema.ShareShift));
            Assert.Equal((true, 256), (s.Spectral.Enabled, s.Spectral.MaxLength));
            Assert.Equal(["latency_ms"], s.Spectral.Fields);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_BadShadowOptions_EachNamedByKey()
    {
        var (_, errors) = AgentConfig.Load(
            [
                "--Agent:Streams:0:Name=web",
                "--Agent:Streams:0:Tap:Address=127.0.0.1:7410",
                "--Agent:Streams:0:KeyFields:0=user",
                "--Agent:Streams:0:Hop=00:00:03",
                "--Agent:Streams:0:Sampling:Mode=hash",
                "--Agent:Streams:0:Sampling:KeyField=route",
                "--Agent:Streams:0:Sampling:Rate=0",
                "--Agent:Streams:0:Sketches:HllLgK=30",
                "--Agent:Streams:0:Spectral:Fields:0=latency_ms",
                "--Agent:Streams:0:Sketches:Typo=1",
            ],
            new Hashtable(),
            "/nonexistent/agent.json");

        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Hop:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Sampling:KeyField:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Sampling:Rate:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Sketches:HllLgK:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Spectral:Fields:0:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Sketches:Typo:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Load_ShippedExampleConfiguration_IsValid()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "ShadowAgent.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.NotNull(dir);
        var (options, errors) = AgentConfig.Load([], new Hashtable(), Path.Combine(dir, "packaging", "config", "agent.json"));

        Assert.Empty(errors);
        Assert.Equal(3, options!.Streams.Count);
        Assert.Equal(Core.Streams.ProbeFields.Host, options.Streams[2].NumericFields);
        Assert.False(options.Actuation.Enabled);
    }
}
