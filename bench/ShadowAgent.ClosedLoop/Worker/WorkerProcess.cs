using System.Diagnostics;
using System.Globalization;
using ShadowAgent.ClosedLoop.Cgroups;

namespace ShadowAgent.ClosedLoop.Worker;

/// <summary>
/// Starts <c>closed-loop worker</c> (this program in its worker mode), reads the port it listens on, and moves it into
/// the cgroup before any request reaches it. Disposing closes its standard input (it exits) and reaps it.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(int rounds, BenchCgroup cgroup)
    {
        var dll = typeof(WorkerServer).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileNameWithoutExtension(dll));
        string[] args = ["worker", "--rounds", rounds.ToString(CultureInfo.InvariantCulture)];
        var info = File.Exists(apphost) ? new ProcessStartInfo(apphost, args) : new ProcessStartInfo("dotnet", [dll, .. args]);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException("the worker did not start");
        try
        {
            var line = process.StandardOutput.ReadLine();
            if (line is null || !line.StartsWith("port ", StringComparison.Ordinal)
                || !int.TryParse(line.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                throw new InvalidOperationException($"the worker said '{line}' instead of 'port N'");
            }

            // Idle until now (it only listens); from here every cycle it spends is inside the cgroup.
            cgroup.Add(process.Id);
            return new WorkerProcess(process, port);
        }
        catch
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
