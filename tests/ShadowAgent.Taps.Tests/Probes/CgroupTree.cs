namespace ShadowAgent.Taps.Tests.Probes;

/// <summary>
/// A cgroup v2 directory laid out in a temporary directory, for the file logic the unified hierarchy of this
/// machine cannot exercise (its cpu and memory controllers are held by v1, so cpu.max and memory.* do not exist there).
/// </summary>
internal sealed class CgroupTree : IDisposable
{
    public CgroupTree(string relative = "shadow/web")
    {
        Root = Path.Combine(Path.GetTempPath(), $"shadow-cg-{Guid.NewGuid():N}");
        Dir = Path.Combine(Root, relative);
        Directory.CreateDirectory(Dir);
        File.WriteAllText(Path.Combine(Root, "cgroup.controllers"), "cpu io memory\n");
        File.WriteAllText(Path.Combine(Dir, "cgroup.controllers"), "cpu io memory\n");
        Relative = relative;
    }

    public string Root { get; }

    public string Dir { get; }

    public string Relative { get; }

    public void Write(string file, string content) => File.WriteAllText(Path.Combine(Dir, file), content);

    public string Read(string file) => File.ReadAllText(Path.Combine(Dir, file));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
