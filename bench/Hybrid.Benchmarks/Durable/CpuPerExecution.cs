using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Asl.Running;
using Hybrid.Benchmarks.Backends;
using Hybrid.Durable;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Benchmarks.Durable;

// Run:  dotnet run -c Release --project bench/Hybrid.Benchmarks -- cpu [seconds] [text in the case's label] [--sessions] [--purge]
// A harness, not a BenchmarkDotNet benchmark: for each orchestration it runs rounds of 200 executions at once on the
// in-memory backend for the given time (12 s by default, after ten warm-up rounds) and prints the process's CPU time per execution, which a
// loaded machine disturbs less than wall time, with the wall time, the allocations, the collections and the GC's pauses. It separates the costs of the ASL orchestrator against the 5-activity
// baseline of AslVersusHandWrittenBenchmarks. Results: docs/performance.md.

/// <summary>CPU time per execution of the baseline, of Hybrid's pieces in isolation, and of the ASL orchestrator.</summary>
internal static class CpuPerExecution
{
    private const int Concurrent = 200;
    private const int Passes = 3;
    private const int Sequential = 20;
    private const string FivePasses = """
        {"StartAt":"S1","States":{
          "S1":{"Type":"Pass","Next":"S2"},"S2":{"Type":"Pass","Next":"S3"},"S3":{"Type":"Pass","Next":"S4"},
          "S4":{"Type":"Pass","Next":"S5"},"S5":{"Type":"Pass","End":true}}}
        """;

    private static readonly string TwentyTasks = "{\"StartAt\":\"S1\",\"States\":{" + string.Join(",", Enumerable.Range(1, 20).Select(i =>
        $"\"S{i}\":{{\"Type\":\"Task\",\"Resource\":\"arn:hybrid:increment\",{(i == 20 ? "\"End\":true" : $"\"Next\":\"S{i + 1}\"")}}}")) + "}}";

    public static async Task RunAsync(string[] args, bool oneAtATime = false)
    {
        // "--sessions": orchestration episodes resume from extended sessions instead of replaying (DurableBackendOptions.SessionIdleTimeout).
        var sessions = args.Contains("--sessions");
        // "--purge": each instance is purged once complete, so the in-memory store does not grow through the run.
        var purge = args.Contains("--purge");
        args = [.. args.Where(a => a != "--sessions" && a != "--purge")];
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IWorkflowRegistry>(FolderWorkflowRegistry.FromSources([("five", "bench", AslVersusHandWrittenBenchmarks.FiveSteps), ("passes", "bench", FivePasses), ("twenty", "bench", TwentyTasks)]));
        builder.Services.AddSingleton(new TaskHandlerRegistry().Register("arn:hybrid:increment", input => new JsonObject { ["n"] = (input?["n"]?.GetValue<int>() ?? 0) + 1 }));
        builder.Services.AddHybridExecutions();
        builder.Services.AddHybridDurableBackend(new DurableBackendOptions { Backend = DurableBackendKind.InMemory, TaskHub = "benchcpu", SessionIdleTimeout = sessions ? TimeSpan.FromSeconds(30) : TimeSpan.Zero }, registry =>
        {
            registry.AddHybridTasks();
            registry.AddOrchestrator<FiveStepOrchestrator>();
            registry.AddActivity<IncrementActivity>();
            registry.AddOrchestrator<NoActivityOrchestrator>();
            registry.AddOrchestrator<FiveDispatchOrchestrator>();
            registry.AddOrchestrator<FiveFullDispatchOrchestrator>();
        });
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var executions = host.Services.GetRequiredService<IExecutionService>();

        async Task Orchestration(string name)
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync(name, 0);
            await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
            if (purge)
            {
                await client.PurgeInstanceAsync(id);
            }
        }

        async Task Workflow(string name)
        {
            var started = await executions.StartAsync(name, new JsonObject { ["n"] = 0 });
            await client.WaitForInstanceCompletionAsync(started.ExecutionId, getInputsAndOutputs: true);
            if (purge)
            {
                await client.PurgeInstanceAsync(started.ExecutionId);
            }
        }

        (string Label, Func<Task> Run)[] cases =
        [
            ("hand-written, no activity", () => Orchestration(nameof(NoActivityOrchestrator))),
            ("ASL, five Pass states", () => Workflow("passes")),
            ("hand-written, five trivial activities (baseline)", () => Orchestration(nameof(FiveStepOrchestrator))),
            ("hand-written, five calls of the dispatch activity", () => Orchestration(nameof(FiveDispatchOrchestrator))),
            ("hand-written, five dispatch calls, ASL-sized", () => Orchestration(nameof(FiveFullDispatchOrchestrator))),
            ("ASL, five Task states", () => Workflow("five")),
            ("ASL, twenty Task states", () => Workflow("twenty")),
        ];
        var only = args.Length > 1 ? args[1] : null;
        var selected = cases.Where(c => only is null || c.Label.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        var perRound = oneAtATime ? Sequential : Concurrent;
        async Task Round(Func<Task> run)
        {
            if (!oneAtATime)
            {
                await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => run()));
                return;
            }

            for (var i = 0; i < Sequential; i++)
            {
                await run();
            }
        }

        // Every case warms up before any is measured (the JIT's tiers, the thread pool, the GC's budgets), and the cases
        // are then measured in turn, Passes times, so that a slow spell on a shared machine does not land on one case.
        foreach (var (_, run) in selected)
        {
            for (var warmup = 0; warmup < 10; warmup++)
            {
                await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => run()));
            }
        }

        var samples = selected.ToDictionary(c => c.Label, _ => new List<(double Cpu, double Wall, double Kb, int Gen0, int Gen1, int Gen2, double Pause)>());
        for (var pass = 0; pass < Passes; pass++)
        {
            foreach (var (label, run) in selected)
            {
                using var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var gen0Before = GC.CollectionCount(0);
                var gen1Before = GC.CollectionCount(1);
                var gen2Before = GC.CollectionCount(2);
                var pauseBefore = GC.GetTotalPauseDuration();
                var clock = Stopwatch.StartNew();
                var rounds = 0;
                while (clock.Elapsed.TotalSeconds < seconds / (double)Passes)
                {
                    await Round(run);
                    rounds++;
                }

                process.Refresh();
                var count = rounds * (double)perRound;
                samples[label].Add((
                    (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / count,
                    clock.Elapsed.TotalMilliseconds / count,
                    (GC.GetTotalAllocatedBytes() - allocatedBefore) / count / 1024,
                    GC.CollectionCount(0) - gen0Before,
                    GC.CollectionCount(1) - gen1Before,
                    GC.CollectionCount(2) - gen2Before,
                    (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / count));
            }
        }

        foreach (var (label, _) in selected)
        {
            var s = samples[label];
            var cpu = s.Select(x => x.Cpu).Order().ToArray();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{label,-52} {cpu[cpu.Length / 2],6:F3} ms CPU (passes {string.Join(", ", s.Select(x => x.Cpu.ToString("F3", CultureInfo.InvariantCulture)))}), {s.Average(x => x.Wall),6:F3} ms wall, {s.Average(x => x.Kb),6:F1} KB allocated per execution; {s.Sum(x => x.Gen0)}/{s.Sum(x => x.Gen1)}/{s.Sum(x => x.Gen2)} GCs (gen 0/1/2), {s.Average(x => x.Pause):F3} ms paused"));
        }

        await host.StopAsync();
    }
}

/// <summary>The cost of an orchestration's start and completion alone.</summary>
internal sealed class NoActivityOrchestrator : TaskOrchestrator<int, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, int input) => Task.FromResult(input);
}

/// <summary>Five calls of Hybrid's dispatch activity from a hand-written orchestrator: the activity side alone.</summary>
internal sealed class FiveDispatchOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = """{"n":0}""";
        for (var i = 0; i < 5; i++)
        {
            var request = new DispatchRequest("five:cpu", "five", $"S{i + 1}", "arn:hybrid:increment", value, 0, null, null, null, null, null, null);
            var result = await context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, request);
            value = result.Output ?? throw new InvalidOperationException($"The dispatch failed: {result.Error}: {result.Cause}");
        }

        return input + 5;
    }
}

/// <summary>
/// Five calls of the dispatch activity with requests the size of the ASL run's (its <c>$$</c> object and five history
/// events each), from a hand-written orchestrator: the cost of what the requests carry, apart from the interpreter's.
/// </summary>
internal sealed class FiveFullDispatchOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.InstanceId;
        var value = """{"n":0}""";
        for (var i = 0; i < 5; i++)
        {
            var state = $"S{i + 1}";
            var at = Hybrid.Asl.Execution.ExecutionInfo.FormatTime(context.CurrentUtcDateTime);
            var contextObject = $$$"""
                {"Execution":{"Id":"arn:aws:states:local:000000000000:execution:five:{{{id}}}","Input":{"n":0},"StartTime":"{{{at}}}","Name":"{{{id}}}","RoleArn":null,"RedriveCount":0},"StateMachine":{"Id":"arn:aws:states:local:000000000000:stateMachine:five","Name":"five"},"State":{"Name":"{{{state}}}","EnteredTime":"{{{at}}}","RetryCount":0}}
                """;
            var events = Enumerable.Range(0, 5)
                .Select(e => new StoredEvent($"{id}@0", (i * 5) + e, context.CurrentUtcDateTime, "TaskStateEntered", "{\"stateEnteredEventDetails\":{\"name\":\"" + state + "\",\"input\":\"{\\\"n\\\":" + i + "}\"}}"))
                .ToList();
            var request = new DispatchRequest($"five:{id}", "five", state, "arn:hybrid:increment", value, 0, null, null, contextObject, null, null, events, $"{id}@0/{i}");
            var result = await context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, request);
            value = result.Output ?? throw new InvalidOperationException($"The dispatch failed: {result.Error}: {result.Cause}");
        }

        return input + 5;
    }
}
