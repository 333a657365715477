using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Running;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// A Parallel state whose branch fails (or a Map whose failures exceed its tolerance) fails at once and stops its running
/// branches, as Step Functions does: their instances are terminated and their long-running tasks stopped. The waits
/// are real (one hour), so an execution that finishes at all did not wait for them.
/// </summary>
public sealed class SiblingStopTests : IAsyncLifetime
{
    internal const string Parallel = """
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}},
          {"StartAt":"Break","States":{"Break":{"Type":"Fail","Error":"A.Broke","Cause":"branch A failed"}}}]}}}
        """;

    internal const string Caught = """
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","Next":"Recovered",
          "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.caught","Next":"Recovered"}],"Branches":[
          {"StartAt":"Break","States":{"Break":{"Type":"Fail","Error":"A.Broke","Cause":"branch A failed"}}},
          {"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}]},
          "Recovered":{"Type":"Pass","End":true}}}
        """;

    /// <summary>Item 1 fails; the others wait an hour. Three run at a time, none is tolerated to fail.</summary>
    private const string Map = """
        {"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":3,"ToleratedFailureCount":0,"End":true,
          "ItemProcessor":{"StartAt":"Which","States":{
            "Which":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":1,"Next":"Break"}],"Default":"Nap"},
            "Break":{"Type":"Fail","Error":"Item.Broke","Cause":"item 1 failed"},
            "Nap":{"Type":"Wait","Seconds":3600,"End":true}}}}}}
        """;

    /// <summary>The same Map with no concurrency limit: every chunk runs at once.</summary>
    internal static readonly string UnlimitedMap = Map.Replace("\"MaxConcurrency\":3", "\"MaxConcurrency\":0", StringComparison.Ordinal);

    /// <summary>Branch A fails once branch B's long-running job is being polled.</summary>
    private const string LongRunning = """
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"Job","States":{"Job":{"Type":"Task","Resource":"arn:aws:states:::hybrid-test:job.sync","End":true}}},
          {"StartAt":"Later","States":{"Later":{"Type":"Wait","Seconds":2,"Next":"Break"},
            "Break":{"Type":"Fail","Error":"A.Broke","Cause":"branch A failed"}}}]}}}
        """;

    private readonly EndlessJob _job = new();
    private DurableHost _host = null!;
    private DurableHost _chunked = null!;

    public async Task InitializeAsync()
    {
        var registry = FolderWorkflowRegistry.FromSources(
        [
            ("parallel", "test", Parallel),
            ("caught", "test", Caught),
            ("map", "test", Map),
            ("longrunning", "test", LongRunning),
        ]);
        _host = await DurableHost.StartAsync(registry, handlers => handlers.Register(EndlessJob.Resource, _job));

        // Map iterations in chunks of two: the failure crosses the threshold inside a chunk orchestration.
        _chunked = await DurableHost.StartAsync(
            FolderWorkflowRegistry.FromSources([("map", "test", UnlimitedMap)]),
            configure: services => services.AddSingleton(new ExecutionServiceOptions { Run = RunSettings.Default with { MapChunkSize = 2 } }));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _chunked.DisposeAsync();
    }

    [Fact]
    public async Task Parallel_BranchFails_FailsAtOnceWithItsErrorAndTerminatesTheWaitingBranch()
    {
        var (id, description) = await RunAsync(_host, "parallel", null);

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal("A.Broke", description.Error);
        Assert.Equal("branch A failed", description.Cause);
        var children = await ChildrenAsync(_host, id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, children[id + "~0.0"]);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, children[id + "~0.1"]);

        var history = (await _host.Executions.GetHistoryAsync(id))!;
        var types = history.Select(e => e.Type).ToList();
        Assert.Equal("ExecutionFailed", types[^1]);
        Assert.Equal(1, types.Count(t => t == "ParallelStateFailed"));
        Assert.Equal(1, types.Count(t => t == "FailStateEntered"));
        Assert.DoesNotContain("WaitStateExited", types);
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(e => (int)e.Id));
    }

    [Fact]
    public async Task Parallel_WithCatch_CatchesTheBranchErrorAndGoesOn()
    {
        var (id, description) = await RunAsync(_host, "caught", new JsonObject { ["n"] = 1 });

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal("A.Broke", description.Output!["caught"]!["Error"]!.GetValue<string>());
        Assert.Equal("branch A failed", description.Output["caught"]!["Cause"]!.GetValue<string>());
        Assert.Equal(1, description.Output["n"]!.GetValue<int>());
        var children = await ChildrenAsync(_host, id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, children[id + "~0.1"]);
        var types = (await _host.Executions.GetHistoryAsync(id))!.Select(e => e.Type).ToList();
        Assert.Equal(["ParallelStateFailed", "ParallelStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"], types[^5..]);
    }

    [Fact]
    public async Task Map_FailureOverTolerance_FailsAtOnceAndTerminatesTheRunningIterations()
    {
        var (id, description) = await RunAsync(_host, "map", new JsonObject { ["items"] = new JsonArray(0, 1, 2, 3, 4) });

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal(ErrorNames.ExceedToleratedFailureThreshold, description.Error);
        var children = await ChildrenAsync(_host, id);

        // Items 0 and 2 were running and are stopped; 3 and 4 never started.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, children[id + "~0.1"]);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, children[id + "~0.0"]);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, children[id + "~0.2"]);
        Assert.Equal(3, children.Count(c => c.Key.StartsWith(id + "~0.", StringComparison.Ordinal)));
        var types = (await _host.Executions.GetHistoryAsync(id))!.Select(e => e.Type).ToList();
        Assert.Equal(["MapStateFailed", "ExecutionFailed"], types[^2..]);
    }

    [Fact]
    public async Task ChunkedMap_FailureInAChunk_TerminatesTheOtherChunksAndTheirIterations()
    {
        var (id, description) = await RunAsync(_chunked, "map", new JsonObject { ["items"] = new JsonArray(0, 1, 2, 3, 4, 5) });

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal(ErrorNames.ExceedToleratedFailureThreshold, description.Error);
        var children = await SettledChildrenAsync(_chunked, id);
        var chunk = id + "~0.";

        // Three chunks of two run at once. Chunk 0 fails at item 1 and stops item 0; the parent then stops chunks 1 and 2,
        // and with them their iterations.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, children[chunk + "0"]);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, children[chunk + "0.0"]);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, children[chunk + "0.1"]);
        foreach (var stopped in new[] { "1", "1.0", "1.1", "2", "2.0", "2.1" })
        {
            Assert.True(children[chunk + stopped] == OrchestrationRuntimeStatus.Terminated, $"{chunk + stopped} is not terminated: {string.Join(", ", children)}");
        }

        Assert.Equal(9, children.Count);
    }

    [Fact]
    public async Task Parallel_BranchFails_StopsTheLongRunningTaskASiblingWaitsFor()
    {
        var (id, description) = await RunAsync(_host, "longrunning", null);

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal("A.Broke", description.Error);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stop = await _job.Stopped.Task.WaitAsync(cts.Token);
        Assert.Equal(ErrorNames.BranchFailed, stop.Error);
        Assert.Equal("Job", stop.State);
        Assert.True(_job.Polls > 0, "the job was stopped before it was ever polled");
        var children = await ChildrenAsync(_host, id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, children[id + "~0.0"]);
    }

    /// <summary>Starts the workflow (the execution is named after it) and waits, bounded, until it has finished.</summary>
    private static async Task<(string Id, ExecutionDescription Description)> RunAsync(DurableHost host, string workflow, JsonNode? input)
    {
        var started = await host.Executions.StartAsync(workflow, input, workflow);
        return (started.ExecutionId, await host.WaitAsync(started.ExecutionId, TimeSpan.FromSeconds(60)));
    }

    /// <summary>
    /// The children once none is running or pending (bounded): the parent waits for the notices of the chunks it stopped,
    /// but their iterations' terminations may still be on their way when it completes.
    /// </summary>
    private static async Task<Dictionary<string, OrchestrationRuntimeStatus>> SettledChildrenAsync(DurableHost host, string executionId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var children = await ChildrenAsync(host, executionId);
            if (!children.Values.Any(s => s is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending) || cts.IsCancellationRequested)
            {
                return children;
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static async Task<Dictionary<string, OrchestrationRuntimeStatus>> ChildrenAsync(DurableHost host, string executionId)
    {
        var result = new Dictionary<string, OrchestrationRuntimeStatus>(StringComparer.Ordinal);
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = executionId + "~" }))
        {
            result[instance.InstanceId] = instance.RuntimeStatus;
        }

        return result;
    }

    /// <summary>A long-running job that never finishes; it records its polls and its stop.</summary>
    private sealed class EndlessJob : ILongRunningTaskHandler
    {
        public const string Resource = "arn:aws:states:::hybrid-test:job.sync";
        private int _polls;

        public int Polls => Volatile.Read(ref _polls);

        public TaskCompletionSource<(string State, string? Error)> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<TaskProgress> StartAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
            ValueTask.FromResult(TaskProgress.Running(new JsonObject { ["job"] = 1 }, TimeSpan.FromMilliseconds(200)));

        public ValueTask<TaskProgress> PollAsync(TaskInvocation invocation, JsonNode? state, int poll, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _polls);
            return ValueTask.FromResult(TaskProgress.Running(state, TimeSpan.FromMilliseconds(200)));
        }

        public ValueTask StopAsync(TaskInvocation invocation, JsonNode? state, string? error, string? cause, CancellationToken cancellationToken)
        {
            Stopped.TrySetResult((invocation.StateName, error));
            return ValueTask.CompletedTask;
        }
    }
}
