using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

/// <summary>
/// A test agent speaking AgentLink: sends probe and workload profiles, collects acks and ResizeCommands, and
/// answers commands with CommandResults (the real agent's actuators are the agent side's; this stands in for them).
/// </summary>
internal sealed class FakeAgent : IAsyncDisposable
{
    public const string Host = "host-a";
    public const string Probe = "web-probe";
    public const string Workload = "orders";
    public const string Mirror = "checkout-mirror";
    public const long WindowMs = 10_000;

    private readonly AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> _call;
    private readonly Channel<Ack> _acks = Channel.CreateUnbounded<Ack>();
    private readonly Channel<ResizeCommand> _commands = Channel.CreateUnbounded<ResizeCommand>();
    private readonly Channel<MirrorShareUpdate> _shares = Channel.CreateUnbounded<MirrorShareUpdate>();
    private readonly Task _reader;
    private ulong _sequence;

    private FakeAgent(AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> call)
    {
        _call = call;
        _reader = Task.Run(ReadAsync);
    }

    public static async Task<FakeAgent> ConnectAsync(TestAggregator aggregator)
    {
        var hello = Agents.Hello(Host);
        hello.Streams.Add(new StreamDescriptor { Name = Probe, Tap = "probe", Address = "cgroup:shadow/web", WindowMs = (uint)WindowMs });
        hello.Streams.Add(new StreamDescriptor { Name = Mirror, Tap = "http-mirror", Address = "127.0.0.1:8080", WindowMs = (uint)WindowMs });
        hello.Capabilities.Add("mirror.share");
        var (call, _) = await aggregator.ConnectAsync(hello);
        return new FakeAgent(call);
    }

    public static ShadowProfile ProbeProfile(long window, double util, double coresUsed = 1, double limit = 0, double throttled = 0, double pressure = 0)
    {
        var profile = Window(Probe, window, 10);
        profile.Numeric.Add(Numeric("cpu.util", util));
        profile.Numeric.Add(Numeric("cpu.cores_used", coresUsed));
        profile.Numeric.Add(Numeric("cpu.throttled_ratio", throttled));
        profile.Numeric.Add(Numeric("psi.cpu.some_avg10", pressure));
        if (limit > 0)
        {
            profile.Numeric.Add(Numeric("cpu.limit_cores", limit));
        }

        return profile;
    }

    public static ShadowProfile WorkloadProfile(long window, double rate, double latencyP99 = 50, double[]? forecastRates = null, double anomaly = 0)
    {
        var profile = Window(Workload, window, (ulong)(rate * WindowMs / 1000));
        var latency = Numeric("latency_ms", latencyP99 / 2);
        latency.P99 = latencyP99;
        profile.Numeric.Add(latency);
        if (forecastRates is not null)
        {
            var forecast = new Forecast { Series = "records", Model = "test", StepMs = (uint)WindowMs, Level = 0.95 };
            foreach (var r in forecastRates)
            {
                var perWindow = r * WindowMs / 1000;
                forecast.Points.Add(new ForecastPoint { Value = perWindow, Lower = perWindow * 0.9, Upper = perWindow * 1.1 });
            }

            profile.Forecast = forecast;
        }

        if (anomaly > 0)
        {
            profile.Anomaly = new AnomalyScore { Score = anomaly, Severity = Severity.High, Alarm = true, FeaturesScored = 10 };
        }

        return profile;
    }

    /// <summary>A window of the http-mirror stream: both sides' p99 latency, the shadow's error share and dropped copies.</summary>
    public static ShadowProfile MirrorProfile(long window, double primaryP99, double shadowP99, double shadowErrors = 0, ulong dropped = 0)
    {
        var profile = Window(Mirror, window, 200);
        profile.Volume.DroppedRecords = dropped;
        var primary = Numeric("primary_latency_ms", primaryP99 / 2);
        primary.P99 = primaryP99;
        var shadow = Numeric("shadow_latency_ms", shadowP99 / 2);
        shadow.P99 = shadowP99;
        profile.Numeric.Add(primary);
        profile.Numeric.Add(shadow);
        profile.Numeric.Add(Numeric("shadow_error", shadowErrors));
        return profile;
    }

    public async Task<MirrorShareUpdate> NextShareAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _shares.Reader.ReadAsync(timeout.Token);
    }

    public bool TryTakeShare(out MirrorShareUpdate? update) => _shares.Reader.TryRead(out update);

    /// <summary>Answers as the agent does when SetRate succeeded.</summary>
    public Task AnswerShareAsync(MirrorShareUpdate update, bool applied = true, string message = "") =>
        _call.RequestStream.WriteAsync(new AgentMessage
        {
            MirrorShareResult = new MirrorShareResult
            {
                CommandId = update.CommandId, Stream = update.Stream, Applied = applied, ShareInForce = applied ? update.Share : 0, Message = message,
            },
        });

    public async Task SendAsync(params ShadowProfile[] profiles)
    {
        await _call.RequestStream.WriteAsync(Agents.Batch(++_sequence, profiles));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ack = await _acks.Reader.ReadAsync(timeout.Token);
        Assert.Equal(_sequence, ack.AckedThrough);
    }

    public async Task<ResizeCommand> NextCommandAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _commands.Reader.ReadAsync(timeout.Token);
    }

    public bool TryTakeCommand(out ResizeCommand? command) => _commands.Reader.TryRead(out command);

    public Task AnswerAsync(ResizeCommand command, CommandResult.Types.Status status, double before, double after, string message = "") =>
        _call.RequestStream.WriteAsync(new AgentMessage
        {
            CommandResult = new CommandResult
            {
                CommandId = command.CommandId,
                Status = status,
                Message = message,
                Before = { ["cpu_cores"] = before.ToString(CultureInfo.InvariantCulture), ["cpu.max"] = $"{before * 100000} 100000" },
                After = { ["cpu_cores"] = after.ToString(CultureInfo.InvariantCulture), ["cpu.max"] = $"{after * 100000} 100000" },
            },
        });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
            await _reader;
        }
        finally
        {
            _call.Dispose();
        }
    }

    private static ShadowProfile Window(string stream, long window, ulong records) => new()
    {
        Stream = stream,
        WindowStartUnixMs = Agents.T0 + (window * WindowMs),
        WindowEndUnixMs = Agents.T0 + ((window + 1) * WindowMs),
        CoveredMs = (uint)WindowMs,
        Volume = new VolumeCounters { Records = records, Parsed = records, RatePerSecond = records * 1000.0 / WindowMs },
    };

    private static NumericSummary Numeric(string field, double mean) =>
        new() { Field = field, Count = 10, Mean = mean, Min = mean, Max = mean, Sum = mean * 10, P50 = mean, P90 = mean, P99 = mean };

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var message = _call.ResponseStream.Current;
                if (message.BodyCase == AggregatorMessage.BodyOneofCase.Ack)
                {
                    _acks.Writer.TryWrite(message.Ack);
                }
                else if (message.BodyCase == AggregatorMessage.BodyOneofCase.Resize)
                {
                    _commands.Writer.TryWrite(message.Resize);
                }
                else if (message.BodyCase == AggregatorMessage.BodyOneofCase.MirrorShare)
                {
                    _shares.Writer.TryWrite(message.MirrorShare);
                }
            }
        }
        catch (RpcException)
        {
            // The aggregator stopped first; the test is over.
        }
        finally
        {
            _acks.Writer.TryComplete();
            _commands.Writer.TryComplete();
            _shares.Writer.TryComplete();
        }
    }
}
