namespace ShadowAgent.Features.Spectral;

/// <summary>A local maximum of the power spectrum.</summary>
/// <param name="PeriodSeconds">Period of the peak, refined between bins by log-parabolic interpolation.</param>
/// <param name="PowerShare">Share of the total (non-DC) power in the peak's main lobe: its bin and the two
/// neighbours, which is where the Hann window puts a tone.</param>
/// <param name="Bin">The spectrum bin of the maximum (1..n/2).</param>
public readonly record struct SpectralPeak(double PeriodSeconds, double PowerShare, int Bin);
