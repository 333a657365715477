using Google.Protobuf.WellKnownTypes;
using Hybrid.Host.Backends;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using P = Microsoft.DurableTask.Protobuf;

namespace Hybrid.Host.Tests.Backends;

/// <summary>Extended sessions on the in-memory backend: episodes resume the orchestration instead of replaying it.</summary>
public sealed class OrchestrationSessionsTests
{
    private static readonly DurableBackendOptions On = new() { SessionIdleTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Sessions_FiveActivities_OrchestratorStartsOnceAndResumesFiveTimes()
    {
        await using var harness = await StartAsync(On);
        var sessions = harness.Services.GetRequiredService<OrchestrationSessions>();

        var metadata = await harness.RunAsync(nameof(CountingOrchestrator), "", "counted-sessions");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Equal("01234", metadata.ReadOutputAs<string>());
        Assert.Equal(1, CountingOrchestrator.Starts("counted-sessions"));
        Assert.Equal(5, sessions.Resumed);
        Assert.Equal(1, sessions.Replayed);
    }

    [Fact]
    public async Task SessionsOffByDefault_FiveActivities_EveryEpisodeReplaysFromTheStart()
    {
        await using var harness = await StartAsync(new DurableBackendOptions());

        var metadata = await harness.RunAsync(nameof(CountingOrchestrator), "", "counted-replays");

        Assert.Equal("01234", metadata.ReadOutputAs<string>());
        Assert.Equal(6, CountingOrchestrator.Starts("counted-replays"));
        Assert.Null(harness.Services.GetService<OrchestrationSessions>());
    }

    [Fact]
    public async Task Sessions_IdleLongerThanTheTimeout_ReplayAndComplete()
    {
        await using var harness = await StartAsync(new DurableBackendOptions { SessionIdleTimeout = TimeSpan.FromMilliseconds(100) });
        var sessions = harness.Services.GetRequiredService<OrchestrationSessions>();

        var metadata = await harness.RunAsync(nameof(CountingOrchestrator), "wait", "counted-idle");

        Assert.Equal("01234", metadata.ReadOutputAs<string>());
        Assert.True(CountingOrchestrator.Starts("counted-idle") > 1, "an evicted session replays");
        Assert.True(sessions.Replayed > 1);
    }

    [Fact]
    public async Task Sessions_ExecutorEvictedWhileWaiting_EpisodeReplaysAndCompletes()
    {
        await using var harness = await StartAsync(On);
        var sessions = harness.Services.GetRequiredService<OrchestrationSessions>();
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ApprovalOrchestrator), "in", new StartOrchestrationOptions("evicted-session"), cts.Token);
        while (!sessions.IsMarked(id))
        {
            await Task.Delay(20, cts.Token);
        }

        sessions.EvictExecutor(id);
        await harness.Client.RaiseEventAsync(id, TestTasks.ApprovalEvent, "yes", cts.Token);
        var metadata = await harness.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Equal("in:yes", metadata.ReadOutputAs<string>());
        Assert.Equal(0, sessions.Resumed);
        Assert.Equal(2, sessions.Replayed);
    }

    [Fact]
    public async Task Sessions_HostStopsDuringAnEpisode_WaitsForItAndHandsItsResultToTheBackend()
    {
        await using var harness = await StartAsync(On);
        var sessions = harness.Services.GetRequiredService<OrchestrationSessions>();
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(GatedOrchestrator), "x", new StartOrchestrationOptions("gated-stop"), cts.Token);
        await GatedOrchestrator.Entered.WaitAsync(cts.Token);

        var stopping = harness.Services.GetRequiredService<IHost>().StopAsync(cts.Token);
        await Task.Delay(500, cts.Token);
        Assert.False(stopping.IsCompleted, "the stop waits for the episode in flight");
        GatedOrchestrator.Release.Set();
        await stopping;

        // The mark is set only once the sidecar has taken the episode's result.
        Assert.True(sessions.IsMarked(id));
    }

    [Fact]
    public async Task Sessions_UnknownOrchestrator_FailsAsTheWorkerWould()
    {
        await using var harness = await StartAsync(On);

        var metadata = await harness.RunAsync("NoSuchOrchestrator", null);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal("OrchestratorTaskNotFound", metadata.FailureDetails?.ErrorType);
        Assert.Contains("NoSuchOrchestrator", metadata.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Mark_EpisodeCommitted_IsContinued()
    {
        var mark = new OrchestrationSessions.Mark("e1", 4, At(2));

        Assert.True(mark.IsContinuedBy(Request("e1", Started(1), Event(), Event(), Completed(), Started(2), Event(), Event(), Completed())));
    }

    [Fact]
    public void Mark_EpisodeNotCommitted_IsNotContinued()
    {
        var mark = new OrchestrationSessions.Mark("e1", 4, At(2));

        Assert.False(mark.IsContinuedBy(Request("e1", Started(1), Event(), Event(), Completed())));
    }

    [Fact]
    public void Mark_AnotherEpisodeCommittedSince_IsNotContinued()
    {
        var mark = new OrchestrationSessions.Mark("e1", 4, At(2));

        Assert.False(mark.IsContinuedBy(Request(
            "e1", Started(1), Event(), Event(), Completed(), Started(2), Event(), Event(), Completed(), Started(3), Event(), Completed())));
    }

    [Fact]
    public void Mark_OtherEpisodeInItsPlace_IsNotContinued()
    {
        var mark = new OrchestrationSessions.Mark("e1", 4, At(2));

        Assert.False(mark.IsContinuedBy(Request("e1", Started(1), Event(), Event(), Completed(), Started(3), Event(), Completed())));
    }

    [Fact]
    public void Mark_OtherExecution_IsNotContinued()
    {
        var mark = new OrchestrationSessions.Mark("e1", 4, At(2));

        Assert.False(mark.IsContinuedBy(Request("e2", Started(1), Event(), Event(), Completed(), Started(2), Event(), Completed())));
    }

    private static Timestamp At(int second) => Timestamp.FromDateTime(new DateTime(2026, 11, 29, 5, 0, second, DateTimeKind.Utc));

    private static P.HistoryEvent Started(int second) => new() { EventId = -1, Timestamp = At(second), OrchestratorStarted = new() };

    private static P.HistoryEvent Completed() => new() { EventId = -1, Timestamp = At(0), OrchestratorCompleted = new() };

    private static P.HistoryEvent Event() => new() { EventId = -1, Timestamp = At(0), TaskCompleted = new() { TaskScheduledId = 0 } };

    private static P.OrchestratorRequest Request(string executionId, params P.HistoryEvent[] past) =>
        new() { InstanceId = "i", ExecutionId = executionId, PastEvents = { past } };

    private static Task<BackendHarness> StartAsync(DurableBackendOptions options) => BackendHarness.StartAsync(options);
}

/// <summary>Its first episode blocks until the test releases it, then the orchestration waits for an event that never comes.</summary>
internal sealed class GatedOrchestrator : TaskOrchestrator<string, string>
{
    public static readonly SemaphoreSlim Entered = new(0);

    public static readonly ManualResetEventSlim Release = new();

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        if (!context.IsReplaying)
        {
            Entered.Release();
            Release.Wait(BackendHarness.Patience);
        }

        return await context.WaitForExternalEvent<string>("never");
    }
}
