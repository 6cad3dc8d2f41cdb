using System.Globalization;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Actuation;

/// <summary>Builds CommandResults with the contract's logical keys and invariant-culture numbers.</summary>
internal static class Results
{
    public const string CpuCores = "cpu_cores";
    public const string MemoryBytes = "memory_bytes";
    public const string CpuWeight = "cpu_weight";
    public const string Unlimited = "max";

    public static CommandResult Make(string commandId, CommandResult.Types.Status status, string message, IDictionary<string, string>? before = null, IDictionary<string, string>? after = null)
    {
        var r = new CommandResult { CommandId = commandId, Status = status, Message = message };
        if (before is not null)
        {
            r.Before.Add(before);
        }

        if (after is not null)
        {
            r.After.Add(after);
        }

        return r;
    }

    public static CommandResult Rejected(string commandId, string message) => Make(commandId, CommandResult.Types.Status.Rejected, message);

    public static string Num(double v) => Math.Round(v, 6).ToString("R", CultureInfo.InvariantCulture);

    public static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
}
