using Azure.Data.Tables;
using Hybrid.Host.Backends;
using Hybrid.Testing;

namespace Hybrid.Host.Tests.Backends;

/// <summary>The durable behaviours on Azure Storage (Azurite), each test with a host and a task hub of its own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteBackendTests(AzuriteFixture azurite)
{
    private DurableBackendOptions Options(string purpose) => new()
    {
        Backend = DurableBackendKind.AzureStorage,
        ConnectionString = azurite.ConnectionString,
        TaskHub = AzuriteCollection.NewTaskHub(purpose),
        WorkerId = "tests",
    };

    [Fact]
    public async Task Sequence_FiveActivities_RunInOrder()
    {
        await using var harness = await BackendHarness.StartAsync(Options("seq"));
        await BackendScenarios.FiveActivitySequenceAsync(harness);
    }

    /// <summary>The sidecar trims replay-only inputs from the messages it sends (<see cref="ReplayPayloadInterceptor"/>), never from the store.</summary>
    [Fact]
    public async Task Sequence_Completed_StoredHistoryKeepsEveryActivityInput()
    {
        var options = Options("inputs");
        await using var harness = await BackendHarness.StartAsync(options);
        var result = await harness.RunAsync(nameof(SequenceOrchestrator), "x");

        var table = new TableClient(azurite.ConnectionString, options.TaskHub + "History");
        var inputs = new List<string?>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == result.InstanceId))
        {
            if (row.GetString("EventType") == "TaskScheduled")
            {
                inputs.Add(row.GetString("Input"));
            }
        }

        // Azure Storage keeps DurableTask.Core's parameter array around the input.
        var sent = inputs.Select(i => System.Text.Json.JsonSerializer.Deserialize<AppendInput[]>(i ?? "null")?.Single()).OrderBy(i => i?.Index).ToList();
        Assert.Equal([new AppendInput("x", 0), new AppendInput("x0", 1), new AppendInput("x01", 2), new AppendInput("x012", 3), new AppendInput("x0123", 4)], sent);
    }

    /// <summary>
    /// Sessions resume on Azure Storage too: the history read back from the table shows the episode a session ran,
    /// event times included, so the orchestrator's code starts once.
    /// </summary>
    [Fact]
    public async Task Sessions_FiveActivities_ResumeInsteadOfReplaying()
    {
        await using var harness = await BackendHarness.StartAsync(Options("sessions") with { SessionIdleTimeout = TimeSpan.FromSeconds(30) });

        var metadata = await harness.RunAsync(nameof(CountingOrchestrator), "", "azurite-sessions");

        Assert.Equal("01234", metadata.ReadOutputAs<string>());
        Assert.Equal(1, CountingOrchestrator.Starts("azurite-sessions"));
    }

    [Fact]
    public async Task Timer_Durable_FiresAndResumes()
    {
        await using var harness = await BackendHarness.StartAsync(Options("timer"));
        await BackendScenarios.DurableTimerAsync(harness);
    }

    /// <summary>Hangs forever without <see cref="SubOrchestrationTagsDecorator"/> and <see cref="SubOrchestrationCreatedEventDecorator"/>.</summary>
    [Fact]
    public async Task SubOrchestration_WithTags_CompletesParentAndChild()
    {
        await using var harness = await BackendHarness.StartAsync(Options("sub"));
        await BackendScenarios.SubOrchestrationAsync(harness);
    }

    /// <summary>The row <see cref="SubOrchestrationCreatedEventDecorator"/> exists for: without it this row has no EventType.</summary>
    [Fact]
    public async Task SubOrchestration_Checkpointed_EveryHistoryRowOfTheParentHasAnEventType()
    {
        var options = Options("rows");
        await using var harness = await BackendHarness.StartAsync(options);
        var parent = await BackendScenarios.SubOrchestrationAsync(harness);

        var table = new TableClient(azurite.ConnectionString, options.TaskHub + "History");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == parent))
        {
            rows.Add(row);
        }

        var events = rows.Where(r => r.RowKey != "sentinel").ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.GetString("EventType")), $"Row {e.RowKey} has no EventType."));
        Assert.Contains(events, e => e.GetString("EventType") == "SubOrchestrationInstanceCreated");
    }

    [Fact]
    public async Task FanOut_FiftySubOrchestrations_AllComplete()
    {
        await using var harness = await BackendHarness.StartAsync(Options("fan"));
        await BackendScenarios.FanOutAsync(harness, 50);
    }

    [Fact]
    public async Task ContinueAsNew_FourTimes_RunsFiveGenerations()
    {
        await using var harness = await BackendHarness.StartAsync(Options("can"));
        await BackendScenarios.ContinueAsNewAsync(harness);
    }

    [Fact]
    public async Task Terminate_WaitingOrchestration_EndsTerminated()
    {
        await using var harness = await BackendHarness.StartAsync(Options("term"));
        await BackendScenarios.TerminateAsync(harness);
    }

    [Fact]
    public async Task RaiseEvent_WaitingOrchestration_CompletesWithPayload()
    {
        await using var harness = await BackendHarness.StartAsync(Options("event"));
        await BackendScenarios.RaiseEventAsync(harness);
    }

    [Fact]
    public async Task Query_ByPrefixAndStatus_ListsMatchingInstances()
    {
        await using var harness = await BackendHarness.StartAsync(Options("query"));
        await BackendScenarios.QueryAsync(harness);
    }

    /// <summary>Azure Storage discards a message for a completed instance itself (the in-memory backend needs <see cref="CompletedInstanceDecorator"/>).</summary>
    [Fact]
    public async Task RaiseEvent_CompletedInstance_KeepsItsOutput()
    {
        await using var harness = await BackendHarness.StartAsync(Options("late"));
        await BackendScenarios.EventAfterCompletionAsync(harness, BackendScenarios.NoRerunWithinAsync);
    }

    [Fact]
    public async Task RaiseEvent_DuringLastEpisode_KeepsItsOutput()
    {
        await using var harness = await BackendHarness.StartAsync(Options("racing"));
        await BackendScenarios.EventDuringLastEpisodeAsync(harness, BackendScenarios.NoRerunWithinAsync);
    }
}
