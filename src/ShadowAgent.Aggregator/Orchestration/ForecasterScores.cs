namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// Realized one-step-ahead error of each forecaster for one target: every window, each forecaster's prediction of
/// that window (made at the window before) is compared with what arrived. The error is |actual − predicted| /
/// (|actual| + 1), a moving average with weight <see cref="Alpha"/>, so it tracks the forecasters' recent skill.
/// </summary>
internal sealed class ForecasterScores
{
    public const string Agent = "agent";
    public const string Aggregator = "aggregator";
    public const string SeasonalNaive = "seasonal_naive";

    /// <summary>Preference among forecasters without enough scored windows yet.</summary>
    public static readonly string[] Preference = [Agent, Aggregator, SeasonalNaive];

    /// <summary>Scored windows a forecaster needs before its error counts in the choice.</summary>
    public const int MinSamples = 3;

    public const double Alpha = 0.1;

    private readonly Dictionary<string, (double Error, long Samples)> _scores = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (double Error, long Samples)> Scores => _scores;

    public void Set(string forecaster, double error, long samples) => _scores[forecaster] = (error, samples);

    public void Record(string forecaster, double actual, double predicted)
    {
        if (!double.IsFinite(actual) || !double.IsFinite(predicted))
        {
            return;
        }

        var error = Math.Abs(actual - predicted) / (Math.Abs(actual) + 1);
        _scores[forecaster] = _scores.TryGetValue(forecaster, out var s)
            ? (s.Error + (Alpha * (error - s.Error)), s.Samples + 1)
            : (error, 1);
    }

    /// <summary>The available forecaster with the lowest realized error; by preference while none has enough samples.</summary>
    public string? Choose(IReadOnlyCollection<string> available)
    {
        string? best = null;
        var bestError = double.PositiveInfinity;
        foreach (var name in available)
        {
            if (_scores.TryGetValue(name, out var s) && s.Samples >= MinSamples && s.Error < bestError)
            {
                best = name;
                bestError = s.Error;
            }
        }

        return best ?? Preference.FirstOrDefault(available.Contains);
    }
}
