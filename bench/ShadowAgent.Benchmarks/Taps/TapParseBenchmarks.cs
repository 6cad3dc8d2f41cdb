using BenchmarkDotNet.Attributes;

namespace ShadowAgent.Benchmarks.Taps;

[MemoryDiagnoser]
public class TapParseBenchmarks
{
    private readonly TapParseWorkload _workload = new();

    [Benchmark(Baseline = true, OperationsPerInvoke = TapParseWorkload.RecordCount)]
    public int BareReader() => _workload.BareReader();

    [Benchmark(OperationsPerInvoke = TapParseWorkload.RecordCount)]
    public long TapParse() => _workload.TapParse();
}
