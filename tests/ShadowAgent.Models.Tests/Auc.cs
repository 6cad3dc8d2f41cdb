namespace ShadowAgent.Models.Tests;

/// <summary>Area under the ROC curve: the probability that a random outlier scores above a random ordinary row
/// (Mann–Whitney U, ties counted half).</summary>
internal static class Auc
{
    /// <param name="scores">One score per row.</param>
    /// <param name="labels">Per row: positive, negative, or null to leave the row out.</param>
    public static double Of(IReadOnlyList<float> scores, IReadOnlyList<bool?> labels)
    {
        var kept = Enumerable.Range(0, scores.Count).Where(i => labels[i] is not null).ToArray();
        return Of([.. kept.Select(i => scores[i])], [.. kept.Select(i => labels[i] == true)]);
    }

    public static double Of(IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        var positives = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            var rank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]])
                {
                    rankSum += rank;
                    positives++;
                }
            }

            i = j + 1;
        }

        var negatives = scores.Count - positives;
        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
