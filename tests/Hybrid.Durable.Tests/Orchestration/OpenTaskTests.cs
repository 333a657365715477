using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// An execution that ends while a durable task it no longer waits for is still open (a task call that lost to its
/// timeout, branches stopped without waiting for their notices). Durable Task completes the orchestration only once that
/// task has answered, in a later episode where the code that recorded the last history events runs as a replay; those
/// events must still reach the execution's history.
/// </summary>
public sealed class OpenTaskTests : IAsyncLifetime
{
    private const string Slow = """
        {"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:hybrid:slow","TimeoutSeconds":1,"End":true}}}
        """;

    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DurableHost _host = null!;

    public async Task InitializeAsync()
    {
        var registry = FolderWorkflowRegistry.FromSources(
        [
            ("slow", "test", Slow),
            ("parallel", "test", SiblingStopTests.Parallel),
            ("caught", "test", SiblingStopTests.Caught),
            ("map", "test", SiblingStopTests.UnlimitedMap),
        ]);

        // The states that stop their branches do not wait for the notices: the branches stay open when the state fails.
        // Map iterations run in chunks of two, so that chunk orchestrations stop iterations too.
        _host = await DurableHost.StartAsync(
            registry,
            handlers => handlers.Register("arn:hybrid:slow", async (invocation, _) =>
            {
                _entered.TrySetResult();
                await _release.Task;
                return invocation.Input?.DeepClone();
            }),
            configure: services => services.AddSingleton(new ExecutionServiceOptions
            {
                Run = RunSettings.Default with { MapChunkSize = 2, StopNoticeWait = TimeSpan.Zero },
            }));
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _host.DisposeAsync();
    }

    /// <summary>
    /// The task times out while its handler still runs: the execution fails with States.Timeout, but completes only once
    /// the handler has answered. The failure's events are stored before that, and the history ends with them.
    /// </summary>
    [Fact]
    public async Task TaskTimeout_HandlerStillRunning_HistoryEndsWithTheTimeout()
    {
        var started = await _host.Executions.StartAsync("slow", new JsonObject { ["n"] = 1 }, "slow");
        var id = started.ExecutionId;
        await _entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Released only once the timeout's events are in the history: the call is then still open.
        await UntilAsync(
            async () => (await _host.Executions.GetHistoryAsync(id))!.Any(e => e.Type == "ExecutionFailed"),
            "the timeout's history events were not stored while the timed-out call was still open");
        Assert.Equal(ExecutionStatus.Running, (await _host.Executions.DescribeAsync(id))!.Status);
        _release.SetResult();

        var description = await _host.WaitAsync(id);
        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal(ErrorNames.Timeout, description.Error);
        var history = (await _host.Executions.GetHistoryAsync(id))!;
        var types = history.Select(e => e.Type).ToList();
        Assert.Equal(["TaskTimedOut", "ExecutionFailed"], types[^2..]);
        Assert.Equal(1, types.Count(t => t == "ExecutionFailed"));
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(e => (int)e.Id));
    }

    [Fact]
    public async Task Parallel_BranchFailsWithoutWaitingForTheStoppedOne_HistoryEndsWithTheFailure()
    {
        var (id, description) = await RunAsync("parallel", null);

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal("A.Broke", description.Error);
        var history = (await _host.Executions.GetHistoryAsync(id))!;
        var types = history.Select(e => e.Type).ToList();
        Assert.Equal(["ParallelStateFailed", "ExecutionFailed"], types[^2..]);
        Assert.Equal(1, types.Count(t => t == "ExecutionFailed"));
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(e => (int)e.Id));
    }

    [Fact]
    public async Task Parallel_CaughtWithoutWaitingForTheStoppedBranch_GoesOnAndRecordsEveryEvent()
    {
        var (id, description) = await RunAsync("caught", new JsonObject { ["n"] = 1 });

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal("A.Broke", description.Output!["caught"]!["Error"]!.GetValue<string>());
        var types = (await _host.Executions.GetHistoryAsync(id))!.Select(e => e.Type).ToList();
        Assert.Equal(["ParallelStateFailed", "ParallelStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"], types[^5..]);
    }

    [Fact]
    public async Task ChunkedMap_FailureWithoutWaitingForTheStoppedIterations_HistoryEndsWithTheFailure()
    {
        var (id, description) = await RunAsync("map", new JsonObject { ["items"] = new JsonArray(0, 1, 2, 3, 4, 5) });

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal(ErrorNames.ExceedToleratedFailureThreshold, description.Error);
        var types = (await _host.Executions.GetHistoryAsync(id))!.Select(e => e.Type).ToList();
        Assert.Equal(["MapStateFailed", "ExecutionFailed"], types[^2..]);
        Assert.Equal(1, types.Count(t => t == "ExecutionFailed"));

        // The stopped iterations' own notices go to their chunks, some after the execution completed; none changes it.
        await UntilAsync(() => AllChildrenEndedAsync(id), "the stopped iterations did not all end");
        var after = (await _host.Executions.DescribeAsync(id))!;
        Assert.Equal((description.Status, description.StopDate, description.Error, description.CurrentState), (after.Status, after.StopDate, after.Error, after.CurrentState));
        Assert.Equal(types, (await _host.Executions.GetHistoryAsync(id))!.Select(e => e.Type).ToList());
    }

    private async Task<(string Id, ExecutionDescription Description)> RunAsync(string workflow, JsonNode? input)
    {
        var started = await _host.Executions.StartAsync(workflow, input, workflow);
        return (started.ExecutionId, await _host.WaitAsync(started.ExecutionId, TimeSpan.FromSeconds(60)));
    }

    private async Task<bool> AllChildrenEndedAsync(string executionId)
    {
        await foreach (var instance in _host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = executionId + "~" }))
        {
            if (instance.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="failure"/> after 30 seconds.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
