namespace ShadowAgent.Mirror.Diff;

/// <summary>
/// Compares the primary's and the shadow's answers to one request. Different statuses end it there; a body over
/// the cap is not compared; two JSON bodies (by content type or a first '{' or '[') compare structurally, ignoring
/// the plan's field names and key order; anything else, and any content-coded body (gzip is not decoded),
/// compares byte for byte. Chunked bodies arrive here already dechunked.
/// </summary>
internal static class BodyComparer
{
    /// <summary>The longest reason kept (a record's key text holds 64 bytes).</summary>
    public const int MaxReasonLength = 64;

    public static BodyDiffOutcome Compare(int primaryStatus, BodyCapture primary, int shadowStatus, BodyCapture shadow, IReadOnlySet<string> ignore)
    {
        if (primaryStatus != shadowStatus)
        {
            return BodyDiffOutcome.Differ(BodyDiffReasons.StatusDiffers);
        }

        if (primary.TooLarge || shadow.TooLarge)
        {
            return BodyDiffOutcome.Skipped(BodyDiffReasons.TooLarge);
        }

        var p = primary.Span;
        var s = shadow.Span;
        if (!primary.Encoded && !shadow.Encoded && (LooksJson(primary, p) || LooksJson(shadow, s)))
        {
            var pt = JsonTree.TryParse(p, ignore);
            var st = JsonTree.TryParse(s, ignore);
            if (pt is not null && st is not null)
            {
                var path = JsonTree.FirstDifference(pt, st);
                return path is null
                    ? BodyDiffOutcome.Equal
                    : BodyDiffOutcome.Differ(Bound(BodyDiffReasons.DiffersPrefix + path));
            }

            if (pt is not null || st is not null)
            {
                return BodyDiffOutcome.Differ(BodyDiffReasons.NotJson);
            }
        }

        return p.SequenceEqual(s) ? BodyDiffOutcome.Equal : BodyDiffOutcome.Differ(BodyDiffReasons.Differs);
    }

    private static bool LooksJson(BodyCapture capture, ReadOnlySpan<byte> body)
    {
        if (capture.DeclaredJson)
        {
            return true;
        }

        var trimmed = body.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] is (byte)'{' or (byte)'[';
    }

    private static string Bound(string reason) => reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength];
}
