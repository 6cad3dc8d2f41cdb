namespace ShadowAgent.Agent.Configuration;

/// <summary>
/// The agent's own switches (<c>--config</c>, <c>--check-config</c>, <c>--version</c>), taken out before the
/// rest of the arguments go to the command-line configuration provider, which would otherwise read the
/// next argument as their value.
/// </summary>
internal sealed class AgentCommandLine
{
    public string? ConfigPath { get; private set; }

    public bool CheckConfig { get; private set; }

    public bool Version { get; private set; }

    public List<string> ConfigurationArgs { get; } = [];

    public List<string> Errors { get; } = [];

    public static AgentCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new AgentCommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--check-config")
            {
                result.CheckConfig = true;
            }
            else if (arg is "--version")
            {
                result.Version = true;
            }
            else if (arg is "--config")
            {
                if (i + 1 < args.Count)
                {
                    result.ConfigPath = args[++i];
                }
                else
                {
                    result.Errors.Add("--config: a file path must follow.");
                }
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                result.ConfigPath = arg["--config=".Length..];
            }
            else
            {
                result.ConfigurationArgs.Add(arg);
            }
        }

        return result;
    }
}
