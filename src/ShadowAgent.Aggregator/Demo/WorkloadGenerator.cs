using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// Writes a checkout service's request log as NDJSON into an agent's socket tap: a compressed day of
/// traffic (<see cref="DailyShape"/>) with one incident — a flash sale on /api/checkout that triples its
/// traffic, quadruples its latency, raises its 5xx share and comes with a share of malformed lines.
/// Counts exactly what it sent so the demo can reconcile it with what the aggregator stored.
/// </summary>
internal sealed class WorkloadGenerator
{
    private static readonly string[] Routes = ["/api/search", "/api/product", "/api/cart", "/api/checkout", "/api/login", "/static/app.js"];
    private static readonly double[] RouteShare = [0.30, 0.25, 0.15, 0.08, 0.07, 0.15];
    private static readonly double[] RouteLatencyMs = [35, 22, 28, 60, 45, 4];
    private static readonly string[] Regions = ["eu-west", "eu-central", "us-east", "us-west", "ap-south"];
    private static readonly string[] Tiers = ["free", "plus", "gold"];
    private const int CheckoutRoute = 3;
    private const int Users = 50_000;

    private readonly WorkloadOptions _options;
    private readonly Random _random;
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private readonly ArrayBufferWriter<byte> _record = new(1024);
    private readonly Utf8JsonWriter _json;
    private long _recordsSent;
    private long _bytesSent;
    private long _malformedSent;

    public WorkloadGenerator(WorkloadOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _json = new Utf8JsonWriter(_record);
    }

    public long RecordsSent => Interlocked.Read(ref _recordsSent);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long MalformedSent => Interlocked.Read(ref _malformedSent);

    /// <summary>Rate the generator is aiming at right now, records per second.</summary>
    public double CurrentRate { get; private set; }

    public double ElapsedSeconds { get; private set; }

    public async Task RunAsync(EndPoint target, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
        }
        catch (SocketException exception)
        {
            throw new DemoException($"the workload could not connect to the agent's tap {target}: {exception.Message}");
        }

        var clock = Stopwatch.StartNew();
        var due = 0.0;
        var last = 0.0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = clock.Elapsed.TotalSeconds;
                ElapsedSeconds = now;
                var incident = _options.InIncident(now);
                var rate = _options.PeakRate * DailyShape.At(_options.HourAt(now));
                var checkoutBoost = incident ? 25.0 : 1.0;
                rate *= 1 + (RouteShare[CheckoutRoute] * (checkoutBoost - 1));
                CurrentRate = rate;
                due += rate * (now - last);
                last = now;
                var count = (int)due;
                due -= count;
                if (count == 0)
                {
                    continue;
                }

                _buffer.ResetWrittenCount();
                var malformed = 0;
                for (var i = 0; i < count; i++)
                {
                    malformed += WriteRecord(incident, checkoutBoost) ? 1 : 0;
                }

                await socket.SendAsync(_buffer.WrittenMemory, SocketFlags.None, cancellationToken);
                Interlocked.Add(ref _recordsSent, count);
                Interlocked.Add(ref _bytesSent, _buffer.WrittenCount);
                Interlocked.Add(ref _malformedSent, malformed);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (SocketException exception)
        {
            throw new DemoException($"the agent's tap {target} closed the workload's connection after {RecordsSent:N0} records: {exception.Message}");
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Appends one line; returns true when it was deliberately malformed.</summary>
    private bool WriteRecord(bool incident, double checkoutBoost)
    {
        var route = PickRoute(checkoutBoost);
        _record.ResetWrittenCount();
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString("ts", DateTimeOffset.UtcNow);
        _json.WriteStartObject("user");
        // Power-law popularity: a few users make most requests, as in real logs.
        _json.WriteString("id", $"u{(int)(Users * Math.Pow(_random.NextDouble(), 3)):D5}");
        _json.WriteString("tier", Tiers[_random.Next(Tiers.Length)]);
        _json.WriteEndObject();
        _json.WriteString("route", Routes[route]);
        _json.WriteString("region", Regions[_random.Next(Regions.Length)]);
        var slow = incident && route == CheckoutRoute;
        var failing = slow ? 0.12 : 0.004;
        _json.WriteNumber("status", _random.NextDouble() < failing ? 503 : 200);
        var latency = RouteLatencyMs[route] * (slow ? 4 : 1) * Math.Exp(0.45 * Gaussian());
        _json.WriteNumber("latency_ms", Math.Round(latency, 2));
        _json.WriteNumber("bytes", 200 + _random.Next(4000));
        if (incident && route == CheckoutRoute)
        {
            // The flash sale's client release adds a field: the shadow reports it as schema drift.
            _json.WriteString("promo", "FLASH25");
        }

        _json.WriteEndObject();
        _json.Flush();

        // During the incident a buggy client release cuts some of its lines short.
        var malformed = incident && _random.NextDouble() < _options.IncidentMalformedShare;
        var line = _record.WrittenSpan;
        _buffer.Write(malformed ? line[..(line.Length / 2)] : line);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        return malformed;
    }

    private int PickRoute(double checkoutBoost)
    {
        var total = 1 + (RouteShare[CheckoutRoute] * (checkoutBoost - 1));
        var u = _random.NextDouble() * total;
        for (var i = 0; i < Routes.Length; i++)
        {
            u -= RouteShare[i] * (i == CheckoutRoute ? checkoutBoost : 1);
            if (u <= 0)
            {
                return i;
            }
        }

        return Routes.Length - 1;
    }

    private double Gaussian()
    {
        // Box-Muller; one of the pair is enough here.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
