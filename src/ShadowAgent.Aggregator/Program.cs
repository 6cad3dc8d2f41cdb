using Microsoft.Data.Sqlite;
using ShadowAgent.Aggregator.Demo;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Store;

namespace ShadowAgent.Aggregator;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "demo")
        {
            return await DemoCommand.RunAsync(args[1..]);
        }

        try
        {
            await using var app = AggregatorHost.Build(args);
            await app.RunAsync();
            return 0;
        }
        catch (AggregatorConfigException exception)
        {
            foreach (var error in exception.Errors)
            {
                await Console.Error.WriteLineAsync($"shadow-aggregator: {error}");
            }

            return 2;
        }
        catch (Exception exception) when (exception is StoreSchemaException or SqliteException or IOException)
        {
            // Startup failures an operator fixes (database version or path, port in use): one line, no stack.
            await Console.Error.WriteLineAsync($"shadow-aggregator: {exception.Message}");
            return 1;
        }
    }
}
