namespace ShadowAgent.Models.Forest;

/// <summary>
/// c(n), the average path length of an unsuccessful search in a binary search tree of n points (Liu, Ting and Zhou
/// 2008, eq. 1): the expected depth still to go below a leaf that holds n training points, and the normalizer of
/// the anomaly score.
/// </summary>
internal static class PathLength
{
    private const double EulerGamma = 0.5772156649015329;

    public static double Average(int n) => n switch
    {
        <= 1 => 0,
        2 => 1,
        _ => (2 * (Math.Log(n - 1) + EulerGamma)) - (2.0 * (n - 1) / n),
    };
}
