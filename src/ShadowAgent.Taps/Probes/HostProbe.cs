using System.Text;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Probes;

/// <summary>
/// The host's CPU, memory, network, disk and pressure from /proc: CPU busy share and cores in use from
/// /proc/stat, used and available memory from /proc/meminfo, bytes per second from /proc/net/dev (all
/// interfaces but loopback) and /proc/diskstats (whole disks only), and /proc/pressure's "some avg10".
/// </summary>
internal sealed class HostProbe : IProbe
{
    private const int CpuUtil = 0, CoresUsed = 1, MemUsed = 2, MemAvailable = 3, NetRx = 4, NetTx = 5, DiskRead = 6, DiskWrite = 7, PsiCpu = 8, PsiMemory = 9, PsiIo = 10;

    private readonly ProbeFile _file = new();
    private readonly string _stat;
    private readonly string _meminfo;
    private readonly string _netDev;
    private readonly string _diskStats;
    private readonly string _psiCpu;
    private readonly string _psiMemory;
    private readonly string _psiIo;
    private readonly IReadOnlyList<byte[]> _disks;
    private bool _primed;
    private CpuTimes _cpu;
    private ulong _rx, _tx, _read, _written;
    private bool _netOk, _diskOk;

    public HostProbe(string procRoot = "/proc", string sysBlock = "/sys/block")
    {
        _stat = Path.Combine(procRoot, "stat");
        _meminfo = Path.Combine(procRoot, "meminfo");
        _netDev = Path.Combine(procRoot, "net", "dev");
        _diskStats = Path.Combine(procRoot, "diskstats");
        _psiCpu = Path.Combine(procRoot, "pressure", "cpu");
        _psiMemory = Path.Combine(procRoot, "pressure", "memory");
        _psiIo = Path.Combine(procRoot, "pressure", "io");
        _disks = WholeDisks(sysBlock);
    }

    public IReadOnlyList<string> Fields => ProbeFields.Host;

    /// <summary>
    /// Block devices that are disks rather than stacked on them: /sys/block lists no partitions, and loop, RAM,
    /// device-mapper and software RAID devices are left out because their I/O is also counted on the disks below.
    /// </summary>
    public static IReadOnlyList<byte[]> WholeDisks(string sysBlock)
    {
        if (!Directory.Exists(sysBlock))
        {
            return [];
        }

        string[] stacked = ["loop", "ram", "zram", "dm-", "md"];
        return [.. Directory.EnumerateFileSystemEntries(sysBlock)
            .Select(Path.GetFileName)
            .Where(n => n is not null && !stacked.Any(s => n.StartsWith(s, StringComparison.Ordinal)))
            .Select(n => Encoding.ASCII.GetBytes(n!))];
    }

    public bool Sample(double elapsedSeconds, Span<double> values, out ulong present)
    {
        present = 0;
        CpuTimes cpu = default;
        ulong rx = 0, tx = 0, read = 0, written = 0;
        var cpuOk = _file.TryRead(_stat, out var text) && CpuStatParser.TryParse(text, out cpu);
        var netOk = _file.TryRead(_netDev, out text) && NetDevParser.TryParse(text, out rx, out tx);
        var diskOk = _file.TryRead(_diskStats, out text) && DiskStatsParser.TryParse(text, _disks, out read, out written);
        if (!_primed)
        {
            (_cpu, _rx, _tx, _read, _written, _netOk, _diskOk, _primed) = (cpu, rx, tx, read, written, netOk, diskOk, true);
            return false;
        }

        var dt = elapsedSeconds > 0 ? elapsedSeconds : double.Epsilon;
        if (cpuOk && _cpu.Total > 0 && cpu.Total > _cpu.Total && cpu.Busy >= _cpu.Busy)
        {
            var util = (double)(cpu.Busy - _cpu.Busy) / (cpu.Total - _cpu.Total);
            Set(values, ref present, CpuUtil, util);
            Set(values, ref present, CoresUsed, util * cpu.Cpus);
        }

        if (_file.TryRead(_meminfo, out text) && MemInfoParser.TryParse(text, out var total, out var available))
        {
            Set(values, ref present, MemUsed, total - available);
            Set(values, ref present, MemAvailable, available);
        }

        // A counter that went backwards (an interface or disk went away) gives no rate for this interval.
        if (netOk && _netOk && rx >= _rx && tx >= _tx)
        {
            Set(values, ref present, NetRx, (rx - _rx) / dt);
            Set(values, ref present, NetTx, (tx - _tx) / dt);
        }

        if (diskOk && _diskOk && read >= _read && written >= _written)
        {
            Set(values, ref present, DiskRead, (read - _read) / dt);
            Set(values, ref present, DiskWrite, (written - _written) / dt);
        }

        ReadPressure(_psiCpu, PsiCpu, values, ref present);
        ReadPressure(_psiMemory, PsiMemory, values, ref present);
        ReadPressure(_psiIo, PsiIo, values, ref present);
        if (cpuOk)
        {
            _cpu = cpu;
        }

        (_rx, _tx, _netOk) = (rx, tx, netOk);
        (_read, _written, _diskOk) = (read, written, diskOk);
        return present != 0;
    }

    private void ReadPressure(string path, int index, Span<double> values, ref ulong present)
    {
        if (_file.TryRead(path, out var text) && PressureParser.TryParseSomeAvg10(text, out var percent))
        {
            Set(values, ref present, index, percent);
        }
    }

    internal static void Set(Span<double> values, ref ulong present, int index, double value)
    {
        values[index] = value;
        present |= 1UL << index;
    }
}
