using ShadowAgent.Core.Profiles;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Profiles;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Agent.Models;

/// <summary>
/// Folds the learned models' readings of a window into the statistical detectors' verdict. The models' thresholds are
/// Tukey's far-out fence of their own training scores, not probabilities, so a reading becomes one by a fixed rule: a
/// model below its fence adds nothing; at the fence it stands for tail probability 10⁻³ (medium severity) and beyond it
/// falls with the square of score/threshold (high severity from √10 ≈ 3.2 × the fence). The two models are corrected for
/// as two tests (Bonferroni, × 2), and the window's tail probability is the smaller of that and the statistical one; the
/// score and severity follow from it by the statistical detectors' own mapping. Alarms stay the statistical detectors'
/// (damped once per incident); unusual readings also appear as contributors (feature "profile", detector the model
/// kind, statistic score/threshold), and every loaded model's reading travels in <see cref="AnomalySummary.Models"/>.
/// </summary>
internal static class ModelAnomaly
{
    /// <summary>Tail probability a reading exactly at its fence stands for.</summary>
    public const double FenceTailProbability = 1e-3;

    /// <summary>The feature name of a whole-vector model's contributor.</summary>
    public const string WholeProfile = "profile";

    public static AnomalySummary Combine(AnomalySummary statistical, ModelScores scores, ModelDetector detector)
    {
        var forest = Verdict(ModelKind.IsolationForest, scores.Forest, detector.Forest.Current);
        var autoencoder = Verdict(ModelKind.Autoencoder, scores.Autoencoder, detector.Autoencoder.Current);
        if (forest is null && autoencoder is null)
        {
            return statistical;
        }

        var verdicts = new List<ModelVerdict>(2);
        var contributors = new List<AnomalyContributor>(statistical.Contributors);
        var modelTail = 1.0;
        foreach (var verdict in new[] { forest, autoencoder })
        {
            if (verdict is not { } v)
            {
                continue;
            }

            verdicts.Add(v);
            if (TailProbability(v) is { } p)
            {
                modelTail = Math.Min(modelTail, p);
                contributors.Add(new AnomalyContributor(WholeProfile, v.Kind, v.Score / v.Threshold, p));
            }
        }

        var tail = Math.Min(statistical.TailProbability, Math.Min(1, 2 * modelTail));
        contributors.Sort((a, b) => a.TailProbability.CompareTo(b.TailProbability));
        return new AnomalySummary
        {
            Score = tail < statistical.TailProbability ? SeriesDetector.ScoreOf(tail) : statistical.Score,
            TailProbability = tail,
            Severity = Math.Max(statistical.Severity, (int)SeriesDetector.SeverityOf(tail)),
            Alarm = statistical.Alarm,
            FeaturesScored = statistical.FeaturesScored,
            Contributors = contributors.Count > ProfileScorer.MaxContributors ? contributors[..ProfileScorer.MaxContributors] : contributors,
            Models = verdicts,
        };
    }

    /// <summary>The tail probability an unusual reading stands for; null below the fence.</summary>
    public static double? TailProbability(ModelVerdict verdict)
    {
        if (!verdict.Unusual || !(verdict.Threshold > 0) || !double.IsFinite(verdict.Score))
        {
            return null;
        }

        var ratio = Math.Max(1, verdict.Score / verdict.Threshold);
        return FenceTailProbability / (ratio * ratio);
    }

    private static ModelVerdict? Verdict(ModelKind kind, ModelReading reading, ModelInfo? info) =>
        reading.Version > 0 && info is not null && float.IsFinite(reading.Score)
            ? new ModelVerdict(ModelKindNames.Name(kind), reading.Version, reading.Score, info.Threshold, reading.Unusual)
            : null;
}
