using System.Diagnostics;

namespace Hybrid.Api.Tests;

/// <summary>A fact that runs only where Debian's chromium is installed (the README's test command installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.Executable))
        {
            Skip = $"Headless Chromium is not installed at {Chromium.Executable} (apt-get install chromium).";
        }
    }
}

/// <summary>A theory that runs only where Debian's chromium is installed.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (!File.Exists(Chromium.Executable))
        {
            Skip = $"Headless Chromium is not installed at {Chromium.Executable} (apt-get install chromium).";
        }
    }
}

/// <summary>Runs headless Chromium once against a page on loopback, with a fresh profile and no network beyond it.</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Loads <paramref name="url"/>, lets its scripts run, and returns the DOM as HTML.</summary>
    public static Task<string> DumpDomAsync(Uri url) => RunAsync(url, ["--dump-dom"]);

    /// <summary>Loads <paramref name="url"/> and writes a PNG of the window to <paramref name="path"/>.</summary>
    public static Task ScreenshotAsync(Uri url, string path) => RunAsync(url, [$"--screenshot={path}", "--window-size=1500,1100", "--hide-scrollbars"]);

    private static async Task<string> RunAsync(Uri url, string[] mode)
    {
        var profile = Directory.CreateTempSubdirectory("hybrid-api-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
                "--virtual-time-budget=8000", $"--user-data-dir={profile.FullName}", .. mode, url.ToString()])
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"Chromium did not finish with {url} within 90 s. {await stderr}");
            }

            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {await stderr}");
            }

            return output;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A crash handler may still hold the profile for a moment; the temp folder is cleaned up eventually.
            }
        }
    }
}
