using System.Collections;
using System.Reflection;
using ShadowAgent.Agent.Configuration;

namespace ShadowAgent.Agent.Tests.Configuration;

/// <summary>Every setting the options classes bind is a key the unknown-key check knows, at every depth.</summary>
public sealed class KnownKeysTests
{
    [Fact]
    public void Load_EverySettableOption_NoneReportedUnknown()
    {
        var args = new List<string>();
        Collect(typeof(AgentOptions), "Agent", args, depth: 0);

        var (_, errors) = AgentConfig.Load([.. args], new Hashtable(), "/nonexistent/agent.json");

        // Values are placeholders, so other checks may complain; none may call a bound setting unknown.
        Assert.True(args.Count > 100, $"only {args.Count} settings found: the walk over the options classes is broken");
        Assert.DoesNotContain(errors, e => e.Contains("is not a known setting", StringComparison.Ordinal));
    }

    private static void Collect(Type type, string prefix, List<string> args, int depth)
    {
        Assert.True(depth < 8, $"{prefix}: options nested too deep (a cycle?)");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (Sample(t) is { } value)
            {
                args.Add($"--{key}={value}");
            }
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
            {
                var item = t.GetGenericArguments()[0];
                if (Sample(item) is { } itemValue)
                {
                    args.Add($"--{key}:0={itemValue}");
                }
                else
                {
                    Collect(item, $"{key}:0", args, depth + 1);
                }
            }
            else if (t.IsClass)
            {
                Collect(t, key, args, depth + 1);
            }
        }
    }

    private static string? Sample(Type t) =>
        t == typeof(string) ? "x"
        : t == typeof(bool) ? "true"
        : t == typeof(TimeSpan) ? "00:00:01"
        : t.IsEnum ? Enum.GetNames(t)[0]
        : t.IsPrimitive || t == typeof(decimal) ? "1"
        : null;
}
