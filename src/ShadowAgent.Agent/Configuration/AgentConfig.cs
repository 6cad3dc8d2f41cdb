using System.Collections;
using Microsoft.Extensions.Configuration;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Configuration;

/// <summary>
/// Loads the agent's configuration: a JSON file (<c>--config path</c>, else /etc/shadow-agent/agent.json
/// when it exists), then environment variables prefixed <c>SHADOW_AGENT_</c>, then the command line; later
/// sources win. Binding uses the configuration-binding source generator (no reflection). Every problem is
/// reported as one line naming the configuration key.
/// </summary>
internal static class AgentConfig
{
    public const string DefaultConfigPath = "/etc/shadow-agent/agent.json";
    public const string EnvironmentPrefix = "SHADOW_AGENT_";

    public static (AgentOptions? Options, List<string> Errors) Load(IReadOnlyList<string> args, IDictionary environment) =>
        Load(args, environment, DefaultConfigPath);

    public static (AgentOptions? Options, List<string> Errors) Load(IReadOnlyList<string> args, IDictionary environment, string defaultConfigPath)
    {
        var errors = new List<string>();
        var command = AgentCommandLine.Parse(args);
        errors.AddRange(command.Errors);

        var builder = new ConfigurationBuilder();
        var path = command.ConfigPath;
        if (path is null && File.Exists(defaultConfigPath))
        {
            path = defaultConfigPath;
        }

        if (path is not null)
        {
            if (!File.Exists(path))
            {
                errors.Add($"--config: '{path}' does not exist.");
            }
            else
            {
                builder.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
            }
        }

        builder.AddInMemoryCollection(FromEnvironment(environment));
        builder.AddCommandLine([.. command.ConfigurationArgs]);

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            errors.Add($"--config: '{path}' could not be read: {OneLine(ex.Message)}");
            return (null, errors);
        }

        var section = root.GetSection(AgentOptions.Section);
        var unknown = new List<string>();
        KnownKeys.CheckAgent(section, unknown);
        errors.AddRange(unknown);

        var options = new AgentOptions();
        try
        {
            // The key table above names each unknown key; the binder's own check is the backstop for a
            // property added without updating that table.
            section.Bind(options, o => o.ErrorOnUnknownConfiguration = unknown.Count == 0);
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(DescribeBindingError(ex.Message));
            return (null, errors);
        }

        ApplyDefaults(options);
        AgentOptionsValidator.Validate(options, errors);
        return errors.Count == 0 ? (options, errors) : (null, errors);
    }

    private static void ApplyDefaults(AgentOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.HostName))
        {
            options.HostName = Environment.MachineName;
        }

        if (string.IsNullOrWhiteSpace(options.HostId))
        {
            options.HostId = ReadMachineId() ?? options.HostName;
        }

        // A probe stream without NumericFields records every field its target has.
        foreach (var stream in options.Streams)
        {
            if (stream.Tap.Kind == TapKinds.Probe && stream.NumericFields.Count == 0)
            {
                stream.NumericFields = [.. ProbeFields.For(stream.Tap.Probe.Target)];
            }
        }
    }

    private static string? ReadMachineId()
    {
        try
        {
            var id = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : "";
            return id.Length > 0 ? id : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The same mapping as the environment-variables provider, over a given set so tests can pass one.</summary>
    private static List<KeyValuePair<string, string?>> FromEnvironment(IDictionary environment)
    {
        var values = new List<KeyValuePair<string, string?>>();
        foreach (DictionaryEntry entry in environment)
        {
            var name = entry.Key as string;
            if (name is null || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            values.Add(new(key, entry.Value as string));
        }

        return values;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>
    /// The binder reports a value it cannot convert as "Failed to convert configuration value 'x' at 'key' to
    /// type 'T'."; rewritten to lead with the key like every other message. Only the first such value is
    /// reported, because the binder stops there.
    /// </summary>
    internal static string DescribeBindingError(string message)
    {
        // Parsed by hand rather than with Regex, which would add its engine to the native binary.
        const string Prefix = "Failed to convert configuration value '";
        const string At = "' at '";
        const string ToType = "' to type '";
        var at = message.LastIndexOf(At, StringComparison.Ordinal);
        var toType = message.LastIndexOf(ToType, StringComparison.Ordinal);
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || at < Prefix.Length || toType < at)
        {
            return OneLine(message);
        }

        var value = message[Prefix.Length..at];
        var key = message[(at + At.Length)..toType];
        var typeStart = toType + ToType.Length;
        var typeEnd = message.IndexOf('\'', typeStart);
        var type = typeEnd > typeStart ? message[typeStart..typeEnd] : message[typeStart..];
        return OneLine($"{key}: '{value}' is not a valid {ShortTypeName(type)}.");
    }

    private static string ShortTypeName(string type) => type switch
    {
        "System.TimeSpan" => "duration (hh:mm:ss[.fff])",
        "System.Int32" or "System.Int64" => "whole number",
        "System.Boolean" => "boolean (true or false)",
        _ => type,
    };
}
