namespace ShadowAgent.Detection.Ensemble;

/// <summary>The detectors a <see cref="SeriesDetector"/> can run.</summary>
[Flags]
public enum DetectorKinds
{
    None = 0,
    RobustZScore = 1,
    Ewma = 2,
    Seasonal = 4,
    Cusum = 8,
    Bocpd = 16,
    Context = 32,
    Record = 64,
    All = RobustZScore | Ewma | Seasonal | Cusum | Bocpd | Context | Record,
    Default = Ewma | Seasonal | Cusum | Bocpd | Record,
}
