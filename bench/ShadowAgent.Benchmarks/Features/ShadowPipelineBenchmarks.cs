using BenchmarkDotNet.Attributes;
using ShadowAgent.Benchmarks.Taps;

namespace ShadowAgent.Benchmarks.Features;

/// <summary>The tap plus the full shadow, per record (see <see cref="ShadowPipelineWorkload"/>).</summary>
[MemoryDiagnoser]
public class ShadowPipelineBenchmarks
{
    private readonly ShadowPipelineWorkload _workload = new();

    [Benchmark(OperationsPerInvoke = TapParseWorkload.RecordCount)]
    public long TapPlusShadow() => _workload.Pass();
}
