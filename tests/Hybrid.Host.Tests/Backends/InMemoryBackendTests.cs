using Hybrid.Host.Backends;

namespace Hybrid.Host.Tests.Backends;

/// <summary>The durable behaviours on the in-memory backend, each test with a host of its own.</summary>
public sealed class InMemoryBackendTests
{
    private static readonly DurableBackendOptions Options = new() { Backend = DurableBackendKind.InMemory };

    [Fact]
    public async Task Sequence_FiveActivities_RunInOrder()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.FiveActivitySequenceAsync(harness);
    }

    [Fact]
    public async Task Timer_Durable_FiresAndResumes()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.DurableTimerAsync(harness);
    }

    [Fact]
    public async Task SubOrchestration_WithTags_CompletesParentAndChild()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.SubOrchestrationAsync(harness);
    }

    [Fact]
    public async Task FanOut_FiftySubOrchestrations_AllComplete()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.FanOutAsync(harness, 50);
    }

    [Fact]
    public async Task ContinueAsNew_FourTimes_RunsFiveGenerations()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.ContinueAsNewAsync(harness);
    }

    [Fact]
    public async Task Terminate_WaitingOrchestration_EndsTerminated()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.TerminateAsync(harness);
    }

    [Fact]
    public async Task RaiseEvent_WaitingOrchestration_CompletesWithPayload()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.RaiseEventAsync(harness);
    }

    [Fact]
    public async Task Query_ByPrefixAndStatus_ListsMatchingInstances()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.QueryAsync(harness);
    }

    /// <summary>The in-memory backend drops a message for a completed instance when it arrives.</summary>
    [Fact]
    public async Task RaiseEvent_CompletedInstance_KeepsItsOutput()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        await BackendScenarios.EventAfterCompletionAsync(harness, BackendScenarios.NoRerunWithinAsync);
    }

    /// <summary>
    /// The event is kept (the instance is still running when it arrives) and handed out after the instance completed:
    /// without <see cref="CompletedInstanceDecorator"/> the orchestrator runs again ("returns" 2, the status record rewritten).
    /// </summary>
    [Fact]
    public async Task RaiseEvent_DuringLastEpisode_KeepsItsOutput()
    {
        await using var harness = await BackendHarness.StartAsync(Options);
        var dropper = Assert.IsType<CompletedInstanceDecorator>(harness.Backend.Service.Inner);
        await BackendScenarios.EventDuringLastEpisodeAsync(harness, id => DroppedOrRunAgainAsync(dropper, id));
        Assert.Equal(1, dropper.Dropped);
    }

    /// <summary>Waits (bounded) until the late event's work item was dropped or ran the instance again.</summary>
    private static async Task DroppedOrRunAgainAsync(CompletedInstanceDecorator dropper, string id)
    {
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        while (dropper.Dropped == 0 && LastEpisodeOrchestrator.Returns.GetValueOrDefault(id) < 2)
        {
            await Task.Delay(20, cts.Token);
        }
    }
}
