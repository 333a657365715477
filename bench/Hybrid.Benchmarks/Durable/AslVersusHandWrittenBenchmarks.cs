using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Hybrid.Durable.Orchestration;
using Hybrid.Asl.Running;
using Hybrid.Benchmarks.Backends;
using Hybrid.Durable;
using Hybrid.Durable.Executions;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Benchmarks.Durable;

// Run:  dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*AslVersusHandWritten*'
// The baseline is a hand-written Durable orchestrator calling five trivial activities in sequence; the contender is the
// same five steps as an ASL state machine run by Hybrid's orchestrator (five Task states through the dispatch activity).
// Both run in the same host, on the same backend, in the same run. A third, "DispatchOnly", is a hand-written
// orchestrator that only calls Hybrid's dispatch activity five times with minimal requests: the floor under any ASL
// orchestrator that puts every Task state through that activity. Results: docs/performance.md.

/// <summary>The ASL orchestrator against a hand-written one: one execution at a time, and 200 at once.</summary>
[Config(typeof(BackendColumnsConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 20, invocationCount: 1)]
public class AslVersusHandWrittenBenchmarks : BackendBenchmarkBase
{
    internal const string FiveSteps = """
        {"StartAt":"S1","States":{
          "S1":{"Type":"Task","Resource":"arn:hybrid:increment","Next":"S2"},
          "S2":{"Type":"Task","Resource":"arn:hybrid:increment","Next":"S3"},
          "S3":{"Type":"Task","Resource":"arn:hybrid:increment","Next":"S4"},
          "S4":{"Type":"Task","Resource":"arn:hybrid:increment","Next":"S5"},
          "S5":{"Type":"Task","Resource":"arn:hybrid:increment","End":true}}}
        """;

    public const int Concurrent = 200;

    /// <summary>One-at-a-time iterations run this many executions one after the other and report the time per execution.</summary>
    public const int Sequential = 20;
    private Microsoft.Extensions.Hosting.IHost _host = null!;
    private DurableTaskClient _client = null!;
    private IExecutionService _executions = null!;

    [GlobalSetup]
    public void Setup()
    {
        StartStorage();
        _host = BuildHost(Options("benchasl"), registry =>
        {
            registry.AddOrchestrator<FiveStepOrchestrator>();
            registry.AddActivity<IncrementActivity>();
            registry.AddOrchestrator<FiveDispatchOrchestrator>();
        });
        _host.StartAsync().GetAwaiter().GetResult();
        _client = _host.Services.GetRequiredService<DurableTaskClient>();
        _executions = _host.Services.GetRequiredService<IExecutionService>();
        var check = RunAslAsync().GetAwaiter().GetResult();
        if (check != 5)
        {
            throw new InvalidOperationException($"The ASL machine returned {check}, not 5.");
        }

        WarmUpAsync().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs the three orchestrations until their code is compiled to its final tier, as in a host that has been serving:
    /// each benchmark runs in a process of its own, and a few dozen executions (all that one-at-a-time iterations
    /// make) would otherwise be measured on the JIT's first, unoptimised tier, which penalises the path with more code.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var (rounds, concurrent) = Backend == DurableBackendKind.InMemory ? (5, Concurrent) : (1, 20);
        for (var round = 0; round < rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => RunHandWrittenAsync()));
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => RunHandWrittenAsync(nameof(FiveDispatchOrchestrator))));
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => RunAslAsync()));
        }

        for (var i = 0; i < 50; i++)
        {
            await RunHandWrittenAsync();
            await RunHandWrittenAsync(nameof(FiveDispatchOrchestrator));
            await RunAslAsync();
        }

        // Tier-1 compilation happens in the background, after a call count and a delay.
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    /// <summary>A host with the five-step workflow, its handler and Hybrid's orchestrations, on <paramref name="backend"/>.</summary>
    internal static Microsoft.Extensions.Hosting.IHost BuildHost(
        DurableBackendOptions backend,
        Action<Microsoft.DurableTask.DurableTaskRegistry>? tasks = null,
        Action<IServiceCollection>? services = null,
        string environment = "Production")
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        builder.Services.AddSingleton<IWorkflowRegistry>(FolderWorkflowRegistry.FromSources([("five", "bench", FiveSteps)]));
        builder.Services.AddSingleton(new TaskHandlerRegistry().Register("arn:hybrid:increment", input => new JsonObject { ["n"] = (input?["n"]?.GetValue<int>() ?? 0) + 1 }));
        services?.Invoke(builder.Services);
        builder.Services.AddHybridExecutions();
        builder.Services.AddHybridDurableBackend(backend, registry =>
        {
            registry.AddHybridTasks();
            tasks?.Invoke(registry);
        });
        return builder.Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        StopStorage();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sequential)]
    public async Task HandWritten_OneExecution()
    {
        for (var i = 0; i < Sequential; i++)
        {
            await RunHandWrittenAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Sequential)]
    public async Task Asl_OneExecution()
    {
        for (var i = 0; i < Sequential; i++)
        {
            await RunAslAsync();
        }
    }

    /// <summary>
    /// The floor under any ASL orchestrator built as the issue prescribes: a hand-written orchestrator that only calls
    /// Hybrid's dispatch activity five times, with requests as small as they can be (no <c>$$</c>, no history).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Sequential)]
    public async Task DispatchOnly_OneExecution()
    {
        for (var i = 0; i < Sequential; i++)
        {
            await RunHandWrittenAsync(nameof(FiveDispatchOrchestrator));
        }
    }

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task HandWritten_200Concurrent() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => RunHandWrittenAsync()));

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task DispatchOnly_200Concurrent() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => RunHandWrittenAsync(nameof(FiveDispatchOrchestrator))));

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task Asl_200Concurrent() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => RunAslAsync()));

    private async Task<int> RunHandWrittenAsync(string orchestrator = nameof(FiveStepOrchestrator))
    {
        var id = await _client.ScheduleNewOrchestrationInstanceAsync(orchestrator, 0);
        var done = await _client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        return done.ReadOutputAs<int>();
    }

    private async Task<int> RunAslAsync()
    {
        // No name, like the baseline's generated instance id.
        var started = await _executions.StartAsync("five", new JsonObject { ["n"] = 0 });
        var done = await _client.WaitForInstanceCompletionAsync(started.ExecutionId, getInputsAndOutputs: true);
        var outcome = done.ReadOutputAs<RunOutcome>()!;
        return JsonNode.Parse(outcome.Output!)!["n"]!.GetValue<int>();
    }
}
