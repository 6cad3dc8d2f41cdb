namespace ShadowAgent.Mirror.Diff;

/// <summary>What a body comparison found: the "body_diff" key and the "body_mismatch" number (NaN: not compared).</summary>
internal readonly record struct BodyDiffOutcome(string Reason, double Mismatch)
{
    public static BodyDiffOutcome Equal { get; } = new(BodyDiffReasons.Equal, 0);

    public static BodyDiffOutcome Differ(string reason) => new(reason, 1);

    public static BodyDiffOutcome Skipped(string reason) => new(reason, double.NaN);

    public bool Compared => !double.IsNaN(Mismatch);
}

/// <summary>The values of the "body_diff" key.</summary>
internal static class BodyDiffReasons
{
    public const string Equal = "equal";

    /// <summary>Bodies that are not both JSON differ in their bytes.</summary>
    public const string Differs = "differs";

    /// <summary>Followed by the first differing JSON path: "differs $.items[].price".</summary>
    public const string DiffersPrefix = "differs ";

    public const string StatusDiffers = "status_differs";

    /// <summary>One side is JSON and the other is not.</summary>
    public const string NotJson = "not_json";

    /// <summary>A body was over bodyDiff.maxBodyBytes: not compared.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The copy's answer was replaced by an injected error: not compared.</summary>
    public const string Injected = "injected";

    /// <summary>The shadow did not answer (refused, reset, timeout): not compared.</summary>
    public const string NoAnswer = "no_answer";

    /// <summary>The primary failed, or its body was not complete in time: not compared.</summary>
    public const string NoPrimary = "no_primary";
}
