using System.Diagnostics;
using System.Text;

namespace Hybrid.Testing;

/// <summary>
/// A test assembly run again as a child process (its own entry point, chosen by a mode argument), for tests that must
/// kill a host with SIGKILL and start it again. It is ready when it prints <c>readyLine</c>, and is always killed on dispose.
/// </summary>
public sealed class ChildHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _readyLine;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildHost(Process process, string readyLine)
    {
        _process = process;
        _readyLine = readyLine;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the child has printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs <c>dotnet {assembly} {args}</c> and waits (60 s at most) for it to print <paramref name="readyLine"/>.</summary>
    public static async Task<ChildHost> StartAsync(string assembly, IEnumerable<string> args, string readyLine, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var host = new ChildHost(new Process { StartInfo = info, EnableRaisingEvents = true }, readyLine);
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host._process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException($"The host exited before it was ready.\n{host.Output}"));
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            await host._ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellation);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed or released.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to stop.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line == _readyLine)
        {
            _ready.TrySetResult();
        }
    }
}
