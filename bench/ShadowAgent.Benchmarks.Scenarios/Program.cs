using ShadowAgent.Benchmarks.Agent;
using ShadowAgent.Benchmarks.Features;
using ShadowAgent.Benchmarks.Models;
using ShadowAgent.Benchmarks.Taps;

// Scenarios that BenchmarkDotNet cannot run: native AOT builds, and whole processes measured from outside.
return args switch
{
    ["scenario", "tap-parse", .. var rest] => TapParseScenario.Run(rest),
    ["scenario", "file-tap", .. var rest] => FileTapScenario.Run(rest),
    ["scenario", "forward-tap", .. var rest] => ForwardTapScenario.Run(rest),
    ["scenario", "agent-start", .. var rest] => AgentStartScenario.Run(rest),
    ["scenario", "shadow", .. var rest] => ShadowPipelineScenario.Run(rest),
    ["scenario", "model-cost", .. var rest] => ModelCostScenario.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ShadowAgent.Benchmarks.Scenarios scenario tap-parse [seconds]");
    Console.Error.WriteLine("       ShadowAgent.Benchmarks.Scenarios scenario file-tap [megabytes] [ndjson|plain|plain-count]");
    Console.Error.WriteLine("       ShadowAgent.Benchmarks.Scenarios scenario forward-tap [seconds] [forward|packed|gzip] [records per message]");
    Console.Error.WriteLine("       ShadowAgent.Benchmarks.Scenarios scenario shadow [seconds]");
    Console.Error.WriteLine("       ShadowAgent.Benchmarks.Scenarios scenario model-cost [profiles]");
    Console.Error.WriteLine("       ShadowAgent.Benchmarks.Scenarios scenario agent-start <path to shadow-agent> [runs] [idle seconds]");
    return 2;
}
