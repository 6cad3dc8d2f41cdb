using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// Publishes shadow-agent as native AOT once per test run (into artifacts/, so reruns are incremental) and
/// keeps the publish output, so one test can check it for trim and AOT warnings and others can run the
/// real binary as a child process.
/// </summary>
public sealed class PublishedAgent : IAsyncLifetime
{
    public string OutputDirectory { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "e2e", "shadow-agent");

    public string BinaryPath => Path.Combine(OutputDirectory, "shadow-agent");

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "publish", "src/ShadowAgent.Agent/ShadowAgent.Agent.csproj", "-c", "Release", "-r", rid,
            // Warnings stay errors (Directory.Build.props), so a warning also leaves no binary behind and
            // a rerun cannot pass on a stale output.
            "-o", OutputDirectory, "--nologo",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        ExitCode = process.ExitCode;
        Output = await stdout + await stderr;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class PublishedAgentCollection : ICollectionFixture<PublishedAgent>
{
    public const string Name = "published agent";
}
