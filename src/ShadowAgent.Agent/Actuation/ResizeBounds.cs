using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Actuation;

/// <summary>The configured safety bounds; a value outside them rejects the whole command, naming the bound.</summary>
internal static class ResizeBounds
{
    public static string? Check(ResizeCommand c, ActuationOptions o)
    {
        if (!c.HasCpuCores && !c.HasMemoryBytes && !c.HasCpuWeight && !c.HasIoMax)
        {
            return "the command changes nothing (no cpu_cores, memory_bytes, cpu_weight or io_max)";
        }

        if (c.HasCpuCores)
        {
            if (!double.IsFinite(c.CpuCores) || c.CpuCores < o.MinCpuCores)
            {
                return $"cpu_cores {Num(c.CpuCores)} is below Agent:Actuation:MinCpuCores ({Num(o.MinCpuCores)})";
            }

            if (c.CpuCores > o.MaxCpuCores)
            {
                return $"cpu_cores {Num(c.CpuCores)} is above Agent:Actuation:MaxCpuCores ({Num(o.MaxCpuCores)})";
            }
        }

        if (c.HasMemoryBytes)
        {
            if (c.MemoryBytes < (ulong)o.MinMemoryBytes)
            {
                return $"memory_bytes {c.MemoryBytes} is below Agent:Actuation:MinMemoryBytes ({o.MinMemoryBytes})";
            }

            if (c.MemoryBytes > (ulong)o.MaxMemoryBytes)
            {
                return $"memory_bytes {c.MemoryBytes} is above Agent:Actuation:MaxMemoryBytes ({o.MaxMemoryBytes})";
            }
        }

        if (c.HasCpuWeight && (c.CpuWeight < o.MinCpuWeight || c.CpuWeight > o.MaxCpuWeight))
        {
            return $"cpu_weight {c.CpuWeight} is outside Agent:Actuation:MinCpuWeight..MaxCpuWeight ({o.MinCpuWeight}..{o.MaxCpuWeight})";
        }

        return null;
    }

    public static string Num(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
