using ShadowAgent.Benchmarks.Taps;

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "tap-parse")
{
    return TapParseScenario.Run(args[2..]);
}

Console.Error.WriteLine("usage: ShadowAgent.Benchmarks.Scenarios scenario tap-parse [seconds]");
return 2;
