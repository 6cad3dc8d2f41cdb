namespace ShadowAgent.EndToEnd.Tests;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the folder holding ShadowAgent.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ShadowAgent.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ShadowAgent.sln not found above " + AppContext.BaseDirectory);
    }
}
