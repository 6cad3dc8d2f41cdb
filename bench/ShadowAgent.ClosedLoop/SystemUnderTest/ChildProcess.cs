using System.Diagnostics;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// A program this benchmark started: its output goes to a log file, and <see cref="Dispose"/> ends it (its whole
/// tree) and waits for it. A path ending in .dll runs under <c>dotnet</c>.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string program, IEnumerable<string> args, string logPath)
    {
        if (!File.Exists(program))
        {
            throw new FileNotFoundException($"{program} does not exist (run ./install.sh, or pass its path)", program);
        }

        var info = program.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet", [program, .. args]) : new ProcessStartInfo(program, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, log, logPath);
    }

    /// <summary>The log's last lines, for an error message.</summary>
    public string Tail(int lines = 15)
    {
        lock (_log)
        {
            _log.Flush();
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
