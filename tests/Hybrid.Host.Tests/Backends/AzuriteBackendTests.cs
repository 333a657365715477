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
}
