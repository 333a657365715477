namespace Hybrid.Cli.Tests;

/// <summary>Runs the hybrid command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HybridCommand.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built hybrid executable as a real process, for what only a process shows (version, exit codes).</summary>
    public static Task<(int Code, string Output, string Error)> RunProcessAsync(params string[] args)
        => RunProcessAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs the built hybrid executable with extra environment variables (configuration, for <c>hybrid serve</c>).</summary>
    public static async Task<(int Code, string Output, string Error)> RunProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hybrid.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that should have ended (a serve that should have refused its configuration) must not outlive the test.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
