namespace ShadowAgent.Core.Streams;

/// <summary>Checks a file tap's paths and timing; every message names the key at fault.</summary>
internal static class FileTapValidator
{
    public static void Validate(TapOptions tap, string key, List<string> errors)
    {
        if (!string.IsNullOrEmpty(tap.Address))
        {
            errors.Add($"{key}:Address: file taps read Paths, not an address; remove it.");
        }

        if (tap.Paths.Count == 0)
        {
            errors.Add($"{key}:Paths: a file tap needs at least one file path or glob.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tap.Paths.Count; i++)
        {
            var path = tap.Paths[i];
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            {
                errors.Add($"{key}:Paths:{i}: '{path}' is not an absolute path.");
            }
            else if (path.EndsWith('/'))
            {
                errors.Add($"{key}:Paths:{i}: '{path}' names a directory; name files, for example {path}*.log.");
            }
            else if (Path.GetDirectoryName(path) is { } directory && directory.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                errors.Add($"{key}:Paths:{i}: '{path}' has a wildcard in a directory; only the file name may hold '*' or '?'.");
            }
            else if (!seen.Add(path))
            {
                errors.Add($"{key}:Paths:{i}: '{path}' is listed twice.");
            }
        }

        if (tap.PollInterval < TimeSpan.FromMilliseconds(10) || tap.PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{key}:PollInterval: {tap.PollInterval} is outside 00:00:00.01 to 00:01:00.");
        }

        if (!string.IsNullOrEmpty(tap.CheckpointPath) && !Path.IsPathFullyQualified(tap.CheckpointPath))
        {
            errors.Add($"{key}:CheckpointPath: '{tap.CheckpointPath}' is not an absolute path.");
        }

        if (tap.CheckpointInterval < TimeSpan.FromMilliseconds(100) || tap.CheckpointInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{key}:CheckpointInterval: {tap.CheckpointInterval} is outside 00:00:00.1 to 01:00:00.");
        }

        if (tap.StartAt is not (FileStartPositions.Beginning or FileStartPositions.End))
        {
            errors.Add($"{key}:StartAt: '{tap.StartAt}' is not one of {FileStartPositions.Beginning}, {FileStartPositions.End}.");
        }
    }
}
