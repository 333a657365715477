using System.Diagnostics;
using Hybrid.Testing;

namespace Hybrid.Durable.Tests.Infrastructure;

/// <summary>Node servers started by tests end when the test process that started them dies without stopping them.</summary>
public sealed class ParentWatchTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-watch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ParentDies_WatchedScriptAndWatcherExit()
    {
        var pidFile = Path.Combine(_folder, "child.pid");
        var script = Path.Combine(_folder, "forever.mjs");
        File.WriteAllText(script, $"import {{ writeFileSync }} from 'node:fs'; writeFileSync({System.Text.Json.JsonSerializer.Serialize(pidFile)}, String(process.pid)); setInterval(() => {{}}, 1000);");
        using var parent = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var info = new ProcessStartInfo("node") { UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(RepoPaths.Tools, "parent-watch.mjs"), parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), script })
        {
            info.ArgumentList.Add(arg);
        }

        using var watcher = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
            {
                await Task.Delay(50, cts.Token);
            }

            var child = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Alive(child));

            parent.Kill();
            await watcher.WaitForExitAsync(cts.Token);
            while (Alive(child))
            {
                await Task.Delay(50, cts.Token);
            }

            Assert.True(watcher.HasExited);
            Assert.False(Alive(child));
        }
        finally
        {
            if (!watcher.HasExited)
            {
                watcher.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
