using DurableTask.Core;
using DurableTask.Core.History;
using Google.Protobuf.Collections;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Host.Tests.Backends;

public sealed class DecoratorTests
{
    private static readonly OrchestrationInstance Parent = new() { InstanceId = "parent", ExecutionId = "e1" };

    [Fact]
    public async Task TagsDecorator_SubOrchestrationStartWithMapField_PassesDictionaryWithSameTags()
    {
        var inner = new RecordingService();
        var decorator = new SubOrchestrationTagsDecorator(inner);
        var tags = new MapField<string, string> { ["origin"] = "parent", ["tenant"] = "t1" };
        var start = new TaskMessage
        {
            Event = new ExecutionStartedEvent(-1, "21") { Name = "Child", Tags = tags, OrchestrationInstance = new() { InstanceId = "child" } },
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "child" },
        };

        await CompleteAsync(decorator, NewState(), orchestratorMessages: [start]);

        var passed = Assert.IsType<ExecutionStartedEvent>(Assert.Single(inner.CompletedOrchestratorMessages!).Event);
        var dictionary = Assert.IsType<Dictionary<string, string>>(passed.Tags);
        Assert.Equal(tags.OrderBy(t => t.Key), dictionary.OrderBy(t => t.Key));
    }

    [Fact]
    public async Task TagsDecorator_PlainDictionaryOrNoTags_LeavesThemAlone()
    {
        var inner = new RecordingService();
        var decorator = new SubOrchestrationTagsDecorator(inner);
        var tags = new Dictionary<string, string> { ["a"] = "b" };
        var withTags = new ExecutionStartedEvent(-1, null) { Tags = tags };
        var withoutTags = new ExecutionStartedEvent(-1, null) { Tags = null };

        await CompleteAsync(
            decorator,
            NewState(),
            orchestratorMessages: [new TaskMessage { Event = withTags }, new TaskMessage { Event = withoutTags }]);

        Assert.Same(tags, withTags.Tags);
        Assert.Null(withoutTags.Tags);
    }

    [Fact]
    public async Task TagsDecorator_NewHistoryEventsAndStatusWithMapField_ConvertsThem()
    {
        var inner = new RecordingService();
        var decorator = new SubOrchestrationTagsDecorator(inner);
        var state = NewState();
        var scheduled = new TaskScheduledEvent(3, "Activity") { Tags = new MapField<string, string> { ["k"] = "v" } };
        state.AddEvent(scheduled);
        var status = new OrchestrationState { Tags = new MapField<string, string> { ["s"] = "t" } };

        await CompleteAsync(decorator, state, status: status);

        Assert.Equal("v", Assert.IsType<Dictionary<string, string>>(scheduled.Tags)["k"]);
        Assert.Equal("t", Assert.IsType<Dictionary<string, string>>(inner.CompletedStatus!.Tags)["s"]);
    }

    [Fact]
    public async Task TagsDecorator_CreateWithMapField_PassesDictionary()
    {
        var inner = new RecordingService();
        var decorator = new SubOrchestrationTagsDecorator(inner);

        await decorator.CreateTaskOrchestrationAsync(new TaskMessage
        {
            Event = new ExecutionStartedEvent(-1, null) { Tags = new MapField<string, string> { ["k"] = "v" } },
        });

        var started = Assert.IsType<ExecutionStartedEvent>(inner.Created!.Event);
        Assert.IsType<Dictionary<string, string>>(started.Tags);
    }

    [Fact]
    public async Task CreatedEventDecorator_SidecarSubclassInHistory_SwapsPlainEventEverywhere()
    {
        var inner = new RecordingService();
        var decorator = new SubOrchestrationCreatedEventDecorator(inner);
        var state = NewState();
        var sidecarEvent = new GrpcSubOrchestrationInstanceCreatedEvent(0)
        {
            Name = "Child",
            Version = "v2",
            InstanceId = "parent-child",
            Input = "21",
            Tags = new Dictionary<string, string> { ["origin"] = "parent" },
            ParentTraceContext = new("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null),
        };
        state.AddEvent(sidecarEvent);

        await CompleteAsync(decorator, state);

        var saved = inner.CompletedState!;
        var inEvents = Assert.Single(saved.Events.OfType<SubOrchestrationInstanceCreatedEvent>());
        var inNewEvents = Assert.Single(saved.NewEvents.OfType<SubOrchestrationInstanceCreatedEvent>());
        Assert.Equal(typeof(SubOrchestrationInstanceCreatedEvent), inEvents.GetType());
        Assert.Same(inEvents, inNewEvents);
        Assert.Equal(EventType.SubOrchestrationInstanceCreated, inEvents.EventType);
        Assert.Equal(
            (0, "Child", "v2", "parent-child", "21", sidecarEvent.Timestamp),
            (inEvents.EventId, inEvents.Name, inEvents.Version, inEvents.InstanceId, inEvents.Input, inEvents.Timestamp));
        Assert.Same(sidecarEvent.Tags, inEvents.Tags);
        Assert.Equal(saved.Events.Count, saved.Events.Distinct().Count());
    }

    [Fact]
    public void CreatedEventDecorator_PlainEvent_IsKept()
    {
        var plain = new SubOrchestrationInstanceCreatedEvent(4) { Name = "Child" };

        Assert.Same(plain, SubOrchestrationCreatedEventDecorator.ToPlain(plain));
    }

    [Fact]
    public void ConcurrencyLimits_InMemoryBackend_ReportsNoLimitToTheSidecar()
    {
        var inMemory = new InMemoryOrchestrationService();
        var decorator = new ConcurrencyLimitsDecorator(inMemory, maxOrchestrations: 100, maxActivities: 80);

        Assert.Equal(Environment.ProcessorCount, inMemory.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(int.MaxValue, decorator.MaxConcurrentTaskOrchestrationWorkItems);
        Assert.Equal(int.MaxValue, decorator.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal((100, 80), (decorator.OrchestrationLimit, decorator.ActivityLimit));
        Assert.Equal(inMemory.TaskOrchestrationDispatcherCount, decorator.TaskOrchestrationDispatcherCount);
    }

    [Fact]
    public async Task ConcurrencyLimits_ActivitiesAtTheLimit_NextFetchWaitsForACompletion()
    {
        var inMemory = new InMemoryOrchestrationService();
        var decorator = new ConcurrencyLimitsDecorator(inMemory, maxOrchestrations: 1, maxActivities: 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await EnqueueActivitiesAsync(inMemory, 3);

        var first = await decorator.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, cts.Token);
        var second = await decorator.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, cts.Token);
        var third = decorator.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, cts.Token);
        await Task.Yield();
        var waitedAtLimit = !third.IsCompleted;
        await decorator.AbandonTaskActivityWorkItemAsync(first);
        await decorator.CompleteTaskActivityWorkItemAsync(first, Completed(1));
        var fetched = await third.WaitAsync(cts.Token);

        Assert.True(waitedAtLimit, "The third fetch did not wait for a free slot.");
        Assert.NotNull(second);
        Assert.NotNull(fetched);
        Assert.Equal(2, decorator.InFlight);
    }

    [Fact]
    public void ConcurrencyLimits_ZeroLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyLimitsDecorator(new InMemoryOrchestrationService(), 0, 1));
    }

    [Fact]
    public async Task LockRenewal_ActivityInFlight_RenewsUntilCompleted()
    {
        var inMemory = new InMemoryOrchestrationService();
        var inner = new RecordingService(inMemory);
        var decorator = new ActivityLockRenewalDecorator(inner, TimeSpan.FromMilliseconds(20), NullLogger.Instance);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await EnqueueActivitiesAsync(inMemory, 1);

        var workItem = await decorator.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, cts.Token);
        while (inner.Renewals < 2)
        {
            await Task.Delay(10, cts.Token);
        }

        await decorator.CompleteTaskActivityWorkItemAsync(workItem, Completed(1));
        var renewalsAtCompletion = inner.Renewals;

        Assert.Equal(0, decorator.Renewing);
        Assert.True(renewalsAtCompletion >= 2);
    }

    [Fact]
    public async Task LockRenewal_Stop_EndsEveryRenewal()
    {
        var inMemory = new InMemoryOrchestrationService();
        var decorator = new ActivityLockRenewalDecorator(new RecordingService(inMemory), TimeSpan.FromMinutes(1), NullLogger.Instance);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await EnqueueActivitiesAsync(inMemory, 2);
        await decorator.StartAsync();
        await decorator.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, cts.Token);
        await decorator.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, cts.Token);
        var renewingBeforeStop = decorator.Renewing;

        await decorator.StopAsync(isForced: true);

        Assert.Equal(2, renewingBeforeStop);
        Assert.Equal(0, decorator.Renewing);
    }

    [Fact]
    public async Task CompletionPolling_InstanceCompletesAfterTwoReads_ReturnsCompletedState()
    {
        var inner = new RecordingService();
        inner.Script(null, OrchestrationStatus.Running, OrchestrationStatus.Completed);
        var decorator = new CompletionPollingDecorator(inner, TimeSpan.FromSeconds(2));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var state = await decorator.WaitForOrchestrationAsync("i1", null!, Timeout.InfiniteTimeSpan, cts.Token);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal(3, inner.StateReads);
    }

    [Fact]
    public async Task CompletionPolling_NeverCompletes_ReturnsNullAtTimeout()
    {
        var inner = new RecordingService();
        inner.Script(OrchestrationStatus.Running);
        var decorator = new CompletionPollingDecorator(inner, TimeSpan.FromSeconds(2));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var state = await decorator.WaitForOrchestrationAsync("i1", null!, TimeSpan.FromMilliseconds(200), cts.Token);

        Assert.Null(state);
        Assert.True(inner.StateReads >= 2, $"Only {inner.StateReads} read(s) before the timeout.");
    }

    [Theory]
    [InlineData(OrchestrationStatus.Completed, true)]
    [InlineData(OrchestrationStatus.Failed, true)]
    [InlineData(OrchestrationStatus.Terminated, true)]
    [InlineData(OrchestrationStatus.Canceled, true)]
    [InlineData(OrchestrationStatus.Running, false)]
    [InlineData(OrchestrationStatus.Pending, false)]
    [InlineData(OrchestrationStatus.Suspended, false)]
    [InlineData(OrchestrationStatus.ContinuedAsNew, false)]
    public void CompletionPolling_Status_IsFinishedLikeAzureStorage(OrchestrationStatus status, bool finished)
    {
        Assert.Equal(finished, CompletionPollingDecorator.IsFinished(status));
    }

    [Fact]
    public async Task Stop_BeforeStart_DoesNotReachBackend()
    {
        var inner = new RecordingService();
        var decorator = new ConcurrencyLimitsDecorator(inner, 1, 1);

        await decorator.StopAsync(isForced: true);

        Assert.Equal(0, inner.Stops);
    }

    [Fact]
    public async Task Stop_Twice_ReachesBackendOnce()
    {
        var inner = new RecordingService();
        var decorator = new ConcurrencyLimitsDecorator(inner, 1, 1);
        await decorator.StartAsync();

        await decorator.StopAsync(isForced: true);
        await decorator.StopAsync();

        Assert.Equal(1, inner.Stops);
        Assert.False(decorator.IsStarted);
    }

    /// <summary>
    /// The in-memory backend keeps a message that arrives while an instance's last episode runs, and hands the completed
    /// instance out again once that episode is released: the decorator drops it and fetches the next work item instead.
    /// </summary>
    [Fact]
    public async Task CompletedInstance_MessageArrivedDuringLastEpisode_IsDroppedAndNextWorkItemFetched()
    {
        var inMemory = new InMemoryOrchestrationService();
        var decorator = new CompletedInstanceDecorator(inMemory);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var done = new OrchestrationInstance { InstanceId = "done", ExecutionId = "e1" };
        await inMemory.CreateTaskOrchestrationAsync(Start(done));

        var last = await decorator.LockNextTaskOrchestrationWorkItemAsync(Timeout.InfiniteTimeSpan, cts.Token);
        await inMemory.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            Event = new EventRaisedEvent(-1, "\"late\"") { Name = "late" },
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "done" },
        });
        var state = last.OrchestrationRuntimeState;
        state.AddEvent(new OrchestratorStartedEvent(-1));
        state.AddEvent(last.NewMessages.Single().Event);
        state.AddEvent(new ExecutionCompletedEvent(0, "\"out\"", OrchestrationStatus.Completed));
        state.AddEvent(new OrchestratorCompletedEvent(-1));
        var status = new OrchestrationState { OrchestrationInstance = done, Name = "Done", OrchestrationStatus = OrchestrationStatus.Completed, Output = "\"out\"" };
        await decorator.CompleteTaskOrchestrationWorkItemAsync(last, state, [], [], [], null!, status);
        await decorator.ReleaseTaskOrchestrationWorkItemAsync(last);
        await inMemory.CreateTaskOrchestrationAsync(Start(new OrchestrationInstance { InstanceId = "next", ExecutionId = "e2" }));

        var fetched = await decorator.LockNextTaskOrchestrationWorkItemAsync(Timeout.InfiniteTimeSpan, cts.Token);
        var stored = await inMemory.GetOrchestrationStateAsync("done", executionId: null);

        Assert.Equal("next", fetched.InstanceId);
        Assert.Equal(1, decorator.Dropped);
        Assert.Equal((OrchestrationStatus.Completed, "\"out\""), (stored.OrchestrationStatus, stored.Output));
    }

    [Fact]
    public void CompletedInstance_RestartOfACompletedInstance_IsNotDropped()
    {
        var ended = NewState();
        ended.AddEvent(new ExecutionCompletedEvent(0, "1", OrchestrationStatus.Completed));
        var restart = Start(new OrchestrationInstance { InstanceId = "parent", ExecutionId = "e2" });
        var late = new TaskMessage { Event = new EventRaisedEvent(-1, null) { Name = "late" }, OrchestrationInstance = Parent };

        Assert.True(CompletedInstanceDecorator.HasEnded(new TaskOrchestrationWorkItem { OrchestrationRuntimeState = ended, NewMessages = [late] }));
        Assert.False(CompletedInstanceDecorator.HasEnded(new TaskOrchestrationWorkItem { OrchestrationRuntimeState = ended, NewMessages = [late, restart] }));
        Assert.False(CompletedInstanceDecorator.HasEnded(new TaskOrchestrationWorkItem { OrchestrationRuntimeState = NewState(), NewMessages = [late] }));
    }

    private static TaskMessage Start(OrchestrationInstance instance) => new()
    {
        Event = new ExecutionStartedEvent(-1, "1") { Name = "Done", OrchestrationInstance = instance },
        OrchestrationInstance = instance,
    };

    private static OrchestrationRuntimeState NewState()
    {
        var state = new OrchestrationRuntimeState();
        state.AddEvent(new OrchestratorStartedEvent(-1));
        state.AddEvent(new ExecutionStartedEvent(-1, "21") { Name = "Parent", OrchestrationInstance = Parent });
        return state;
    }

    /// <summary>Queues <paramref name="count"/> activity work items in <paramref name="inMemory"/>, as a checkpoint would.</summary>
    private static Task EnqueueActivitiesAsync(InMemoryOrchestrationService inMemory, int count) =>
        inMemory.CompleteTaskOrchestrationWorkItemAsync(
            new TaskOrchestrationWorkItem { InstanceId = Parent.InstanceId },
            NewState(),
            [.. Enumerable.Range(1, count).Select(Scheduled)],
            [],
            [],
            null!,
            new OrchestrationState { OrchestrationInstance = Parent });

    private static TaskMessage Completed(int id) =>
        new() { Event = new TaskCompletedEvent(-1, id, "1"), OrchestrationInstance = Parent };

    private static TaskMessage Scheduled(int id) => new()
    {
        Event = new TaskScheduledEvent(id, "Activity"),
        OrchestrationInstance = Parent,
        SequenceNumber = id,
    };

    private static Task CompleteAsync(
        OrchestrationServiceDecorator decorator,
        OrchestrationRuntimeState state,
        List<TaskMessage>? orchestratorMessages = null,
        OrchestrationState? status = null) =>
        decorator.CompleteTaskOrchestrationWorkItemAsync(
            new TaskOrchestrationWorkItem { InstanceId = Parent.InstanceId, OrchestrationRuntimeState = state },
            state,
            [],
            orchestratorMessages ?? [],
            [],
            null!,
            status ?? new OrchestrationState());
}
