using System.Diagnostics;

namespace ShadowAgent.Models.Tests;

/// <summary>
/// The independent reader: the ONNX project's own checker (Debian's python3-onnx, which install.sh installs), run
/// with full shape inference on a model file. A missing interpreter or module fails the test; it never skips.
/// </summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";
    private const string Script = "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)";

    public static void Check(ReadOnlySpan<byte> model, string name)
    {
        var (exitCode, output) = Run(model, name);
        Assert.True(exitCode == 0, $"onnx.checker rejected {name} (exit {exitCode}): {output}");
    }

    /// <summary>The checker's exit code and what it printed.</summary>
    public static (int ExitCode, string Output) Run(ReadOnlySpan<byte> model, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"shadowagent-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToArray());
        try
        {
            Assert.True(File.Exists(Python), $"{Python} is missing: run ./install.sh (it installs python3-onnx).");
            var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add(path);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), "onnx.checker did not finish in 60 s.");
            return (process.ExitCode, stderr.Result + stdout.Result);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
