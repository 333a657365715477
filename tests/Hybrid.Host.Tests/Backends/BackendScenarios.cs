using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hybrid.Host.Tests.Backends;

/// <summary>The behaviours every backend must show, run by the in-memory and the Azurite test classes.</summary>
internal static class BackendScenarios
{
    public static async Task FiveActivitySequenceAsync(BackendHarness harness)
    {
        var result = await harness.RunAsync(nameof(SequenceOrchestrator), "x");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("x01234", result.ReadOutputAs<string>());
    }

    public static async Task DurableTimerAsync(BackendHarness harness)
    {
        var result = await harness.RunAsync(nameof(TimerOrchestrator), 1500);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        var timer = result.ReadOutputAs<TimerResult>()!;

        // The orchestration resumed in a later episode, whose clock is past the start (Azure Storage may fire up to 1 s early).
        Assert.True(timer.After > timer.Before, $"The timer resumed at {timer.After:O}, not after {timer.Before:O}.");
    }

    /// <summary>Runs a parent that calls a child; returns the parent's instance id.</summary>
    public static async Task<string> SubOrchestrationAsync(BackendHarness harness)
    {
        var id = "parent-" + Guid.NewGuid().ToString("N");

        var result = await harness.RunAsync(nameof(ParentOrchestrator), 21, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(84, result.ReadOutputAs<int>());
        var child = await harness.Client.GetInstanceAsync(id + "-child", getInputsAndOutputs: true);
        Assert.NotNull(child);
        Assert.Equal(nameof(ChildOrchestrator), child.Name);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(42, child.ReadOutputAs<int>());
        return id;
    }

    public static async Task FanOutAsync(BackendHarness harness, int children)
    {
        var result = await harness.RunAsync(nameof(FanOutOrchestrator), children);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(children * (children + 1), result.ReadOutputAs<int>());
    }

    public static async Task ContinueAsNewAsync(BackendHarness harness)
    {
        var result = await harness.RunAsync(nameof(CountdownOrchestrator), new Countdown(4, 0));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(5, result.ReadOutputAs<int>());
    }

    public static async Task TerminateAsync(BackendHarness harness)
    {
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "order-1", cts.Token);
        await harness.WaitUntilAsync(id, m => m.SerializedCustomStatus is not null);

        await harness.Client.TerminateInstanceAsync(id, "stopped by the test", cts.Token);
        var result = await harness.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("stopped by the test", result.ReadOutputAs<string>());
    }

    public static async Task RaiseEventAsync(BackendHarness harness)
    {
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "order-2", cts.Token);
        var waiting = await harness.WaitUntilAsync(id, m => m.SerializedCustomStatus is not null);
        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);

        await harness.Client.RaiseEventAsync(id, TestTasks.ApprovalEvent, "approved", cts.Token);
        var result = await harness.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("order-2:approved", result.ReadOutputAs<string>());
    }

    public static async Task QueryAsync(BackendHarness harness)
    {
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var prefix = "query-" + Guid.NewGuid().ToString("N")[..8] + "-";
        for (var i = 0; i < 3; i++)
        {
            await harness.RunAsync(nameof(SequenceOrchestrator), i.ToString(System.Globalization.CultureInfo.InvariantCulture), prefix + i);
        }

        var running = await harness.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ApprovalOrchestrator), "order-3", new StartOrchestrationOptions(prefix + "running"), cts.Token);
        await harness.WaitUntilAsync(running, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        var all = await ListAsync(harness, new OrchestrationQuery { InstanceIdPrefix = prefix, FetchInputsAndOutputs = true }, cts.Token);
        var completed = await ListAsync(
            harness,
            new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Completed] },
            cts.Token);
        var single = await harness.Client.GetInstanceAsync(prefix + "1", getInputsAndOutputs: true, cts.Token);
        var missing = await harness.Client.GetInstanceAsync(prefix + "missing", cts.Token);

        Assert.Equal([prefix + "0", prefix + "1", prefix + "2", prefix + "running"], all.Select(m => m.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal([prefix + "0", prefix + "1", prefix + "2"], completed.Select(m => m.InstanceId).Order(StringComparer.Ordinal));
        Assert.NotNull(single);
        Assert.Equal(nameof(SequenceOrchestrator), single.Name);
        Assert.Equal("101234", single.ReadOutputAs<string>());
        Assert.Null(missing);

        await harness.Client.TerminateInstanceAsync(running, cancellation: cts.Token);
    }

    private static async Task<List<OrchestrationMetadata>> ListAsync(BackendHarness harness, OrchestrationQuery query, CancellationToken cancellation)
    {
        var list = new List<OrchestrationMetadata>();
        await foreach (var metadata in harness.Client.GetAllInstancesAsync(query).WithCancellation(cancellation))
        {
            list.Add(metadata);
        }

        return list;
    }

    /// <summary>For failure messages: the whole instance as JSON.</summary>
    public static string Describe(OrchestrationMetadata metadata) => JsonSerializer.Serialize(metadata);

    /// <summary>An event raised on a completed instance neither runs it again nor changes its status or output.</summary>
    public static async Task EventAfterCompletionAsync(BackendHarness harness, Func<string, Task> settle)
    {
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var id = "late-" + Guid.NewGuid().ToString("N");
        var completed = await harness.RunAsync(nameof(LastEpisodeOrchestrator), "x", id);
        Assert.Equal("x0:False:1", completed.ReadOutputAs<string>());

        await harness.Client.RaiseEventAsync(id, "late", "too late", cts.Token);
        await settle(id);

        await AssertCompletedOnceAsync(harness, id, completed);
    }

    /// <summary>
    /// An event raised while the instance's last episode runs (it completes the instance) neither runs it again
    /// afterwards nor changes its status or output.
    /// </summary>
    public static async Task EventDuringLastEpisodeAsync(BackendHarness harness, Func<string, Task> settle)
    {
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var id = "racing-" + Guid.NewGuid().ToString("N");
        using var gate = new LastEpisodeOrchestrator.Gate();
        LastEpisodeOrchestrator.Gates[id] = gate;
        try
        {
            await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LastEpisodeOrchestrator), "x", new StartOrchestrationOptions(id), cts.Token);
            Assert.True(gate.Entered.Wait(BackendHarness.Patience), "The last episode did not start.");
            await harness.Client.RaiseEventAsync(id, "late", "while completing", cts.Token);
            gate.Release.Set();
            var completed = await harness.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            Assert.Equal("x0:False:1", completed.ReadOutputAs<string>());
            await settle(id);

            await AssertCompletedOnceAsync(harness, id, completed);
        }
        finally
        {
            LastEpisodeOrchestrator.Gates.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Waits (3 s at most) for <paramref name="id"/> to run again, for a backend that drops a late message without a sign
    /// to wait for: it would run again within a poll or two of its queue (Azure Storage polls at least every second).
    /// </summary>
    public static async Task NoRerunWithinAsync(string id)
    {
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until && LastEpisodeOrchestrator.Returns.GetValueOrDefault(id) < 2)
        {
            await Task.Delay(50);
        }
    }

    private static async Task AssertCompletedOnceAsync(BackendHarness harness, string id, OrchestrationMetadata completed)
    {
        var after = await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(after);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after.RuntimeStatus);
        Assert.Equal("x0:False:1", after.ReadOutputAs<string>());
        Assert.Equal("1", after.SerializedCustomStatus);
        Assert.Equal(completed.LastUpdatedAt, after.LastUpdatedAt);
        Assert.Equal(1, LastEpisodeOrchestrator.Returns.GetValueOrDefault(id));
    }
}
