using Hybrid.Host.Backends;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Tests.Backends;

/// <summary>
/// The entry point of this assembly when the crash-recovery test runs it as a child process:
/// <c>dotnet Hybrid.Host.Tests.dll crash-host &lt;connection string&gt; &lt;task hub&gt; &lt;worker id&gt; &lt;side-effect file&gt;</c>.
/// It hosts <see cref="CrashOrchestrator"/> on Azure Storage, prints <see cref="ReadyLine"/> once it serves, and runs
/// until it is killed or its standard input closes (so that it never outlives the test).
/// </summary>
public static class CrashHostProgram
{
    public const string Mode = "crash-host";
    public const string ReadyLine = "HOST READY";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static async Task<int> Main(string[] args)
    {
        if (args is not [Mode, var connectionString, var taskHub, var workerId, var sideEffects])
        {
            await Console.Error.WriteLineAsync($"usage: {Mode} <connection string> <task hub> <worker id> <side-effect file>");
            return 2;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new SideEffectLog(sideEffects));
        builder.Services.AddHybridDurableBackend(
            new DurableBackendOptions
            {
                Backend = DurableBackendKind.AzureStorage,
                ConnectionString = connectionString,
                TaskHub = taskHub,
                WorkerId = workerId,
            },
            CrashTasks.Register);
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine(ReadyLine);

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stdinClosed = Task.Run(async () => await Console.In.ReadToEndAsync());
        await Task.WhenAny(stdinClosed, Task.Delay(Lifetime, lifetime.ApplicationStopping));
        await host.StopAsync();
        return 0;
    }
}

/// <summary>The tasks of the crash-recovery test.</summary>
internal static class CrashTasks
{
    public const string TimerStatus = "in-timer";

    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<CrashOrchestrator>();
        registry.AddActivity<RecordActivity>();
    }
}

/// <summary>One activity, a durable timer of <c>input</c> seconds, then two activities.</summary>
internal sealed class CrashOrchestrator : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int input)
    {
        await context.CallActivityAsync(nameof(RecordActivity), "before-timer");

        // Saved in the same checkpoint as the timer: once the test sees it, the process may die.
        context.SetCustomStatus(CrashTasks.TimerStatus);
        await context.CreateTimer(TimeSpan.FromSeconds(input), CancellationToken.None);
        context.SetCustomStatus("after-timer");
        await context.CallActivityAsync(nameof(RecordActivity), "after-timer-1");
        await context.CallActivityAsync(nameof(RecordActivity), "after-timer-2");
        return "done";
    }
}

/// <summary>Appends its input to the side-effect file: one line per execution, which outlives the process.</summary>
internal sealed class RecordActivity(SideEffectLog log) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        log.Append(input);
        return Task.FromResult(input);
    }
}

internal sealed class SideEffectLog(string path)
{
    private readonly Lock _lock = new();

    public void Append(string line)
    {
        lock (_lock)
        {
            File.AppendAllText(path, line + "\n");
        }
    }

    public static IReadOnlyList<string> Read(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
}
