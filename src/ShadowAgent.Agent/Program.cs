using ShadowAgent.Agent;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Detection.Offline;
using ShadowAgent.Forecasting.Offline;

StartClock.Mark();
if (args.Length > 0 && args[0] == "detect")
{
    return DetectCommand.Main(args[1..]);
}

if (args.Length > 0 && args[0] == "forecast")
{
    return ForecastCommand.Main(args[1..]);
}

return await AgentProgram.RunAsync(args);
