using BenchmarkDotNet.Running;
using ShadowAgent.Benchmarks.Actuation;
using ShadowAgent.Benchmarks.Detection;
using ShadowAgent.Benchmarks.Models;
using ShadowAgent.Benchmarks.Orchestration;
using ShadowAgent.Benchmarks.Taps;

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "tap-parse")
{
    return TapParseScenario.Run(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "file-tap")
{
    return FileTapScenario.Run(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "forward-tap")
{
    return ForwardTapScenario.Run(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "detect-cost")
{
    return DetectionCostScenario.Run(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "model-cost")
{
    return ModelCostScenario.Run(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "decision-latency")
{
    return DecisionLatencyScenario.Run(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "actuation-latency")
{
    return await ActuationLatencyScenario.RunAsync(args[2..]);
}

if (args.Length >= 2 && args[0] == "scenario" && args[1] == "model-train")
{
    return ModelTrainingScenario.Run(args[2..]);
}

BenchmarkSwitcher.FromAssembly(typeof(TapParseBenchmarks).Assembly).Run(args);
return 0;
