using ShadowAgent.Detection.Statistics;

namespace ShadowAgent.Detection.Tests.Statistics;

public class TailCalibratorTests
{
    [Fact]
    public void TailProbability_UniformHistory_IsTheShareAtLeastAsLarge()
    {
        var calibrator = new TailCalibrator(1e9);
        var random = new Random(1);
        for (var i = 0; i < 20_000; i++)
        {
            calibrator.Learn(1 + (random.NextDouble() * 99));
        }

        // Within the log-binned resolution (1/8 octave) of the exact share.
        Assert.InRange(calibrator.TailProbability(50), 0.49, 0.53);
        Assert.InRange(calibrator.TailProbability(90), 0.09, 0.12);
        Assert.InRange(calibrator.TailProbability(0.5), 0.999, 1);
    }

    [Fact]
    public void TailProbability_BeyondEverything_KeepsFallingWithTheExcess()
    {
        var calibrator = new TailCalibrator(5000);
        var random = new Random(2);
        for (var i = 0; i < 5000; i++)
        {
            calibrator.Learn(Math.Abs(TestSeries.Normal(random)));
        }

        var atMax = calibrator.TailProbability(4);
        var far = calibrator.TailProbability(8);
        var farther = calibrator.TailProbability(16);
        Assert.True(atMax <= 2.0 / 5000, $"{atMax}");
        Assert.True(far < atMax && farther < far, $"{atMax} {far} {farther}");
    }

    [Fact]
    public void History_Decays_SoOldRegimesAreForgotten()
    {
        var calibrator = new TailCalibrator(100);
        for (var i = 0; i < 1000; i++)
        {
            calibrator.Learn(100);
        }

        for (var i = 0; i < 1000; i++)
        {
            calibrator.Learn(1);
        }

        Assert.InRange(calibrator.EffectiveCount, 90, 101);
        Assert.True(calibrator.TailProbability(50) < 0.01);
    }
}
