namespace Hybrid.Testing;

/// <summary>Locates files of the repository from a running test, whatever its working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder that holds Hybrid.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The folder of the pinned npm test tools (tests/tools).</summary>
    public static string Tools => Path.Combine(Root, "tests", "tools");

    /// <summary>The read-only shared folder beside the repository (design notes, conformance suites).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hybrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Hybrid.sln was not found above {AppContext.BaseDirectory}.");
    }
}
