using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Probes;
using ShadowAgent.Taps.Files;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps;

/// <summary>Starts the tap a stream's <see cref="TapOptions.Kind"/> names.</summary>
public static class TapFactory
{
    /// <exception cref="InvalidOperationException">The tap cannot start; the message names the stream and the reason.</exception>
    /// <param name="time">The clock file taps poll and checkpoint by (and forward taps time their handshake by); the system clock when null.</param>
    public static ITap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.Tap.Kind switch
        {
            TapKinds.Tcp or TapKinds.Unix => SocketTap.Start(stream, sinks, loggerFactory),
            TapKinds.Probe => ProbeTap.Start(stream, sinks, loggerFactory, time),
            TapKinds.File => FileTap.Start(stream, sinks, loggerFactory, time),
            TapKinds.Forward => ForwardTap.Start(stream, sinks, loggerFactory, time),
            _ => throw new InvalidOperationException($"Stream '{stream.Name}': unknown tap kind '{stream.Tap.Kind}'."),
        };
    }
}
