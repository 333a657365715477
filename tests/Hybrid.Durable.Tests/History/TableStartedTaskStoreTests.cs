using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Hybrid.Durable.Tests.Orchestration;

namespace Hybrid.Durable.Tests.History;

/// <summary>The Azure Table store of started tasks and stop marks, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableStartedTaskStoreTests(AzuriteHostFixture fixture)
{
    [Fact]
    public async Task RecordMarkForget_RoundTripsPerExecution()
    {
        var store = new TableStartedTaskStore(fixture.Azurite.ConnectionString, TableStartedTaskStore.NameBeside("StoreTestEvents"));
        var execution = $"wf:{Guid.NewGuid():N}";
        var branch = new StartedTask(execution + "~0.1", Poll(execution, execution + "~0.1@0/0", new string('x', 70_000)));
        var root = new StartedTask(execution, Poll(execution, execution + "@0/3", """{"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:child:n"}"""));

        await store.RecordAsync(execution, branch);
        await store.RecordAsync(execution, root);
        await store.RecordAsync(execution, root);
        await store.RecordAsync("wf:other", root);
        await store.MarkStoppedAsync(execution, [new StopMark(execution + "~0.1", "States.BranchFailed", "branch 0 failed"), new StopMark(execution, "States.Aborted", "stopped")]);
        var recorded = await store.TasksAsync(execution);
        var stopped = await store.StoppedAsync(execution);
        await store.ForgetAsync(execution, branch.InvocationKey);
        await store.ForgetAsync(execution, branch.InvocationKey);
        await store.ForgetAsync(execution, "never@0/9");
        var afterwards = await store.TasksAsync(execution);

        // A state of 70,000 characters spans three properties; compared without printing it.
        Assert.True(recorded.OrderBy(t => t.InstanceId.Length).SequenceEqual([root, branch]), "the recorded tasks do not read back as written");
        Assert.Equal(
            [new StopMark(execution, "States.Aborted", "stopped"), new StopMark(execution + "~0.1", "States.BranchFailed", "branch 0 failed")],
            stopped.OrderBy(m => m.InstanceId.Length));
        Assert.Equal([root], afterwards);
        Assert.Equal(2, (await store.StoppedAsync(execution)).Count);
        Assert.Single(await store.TasksAsync("wf:other"));
        Assert.Empty(await store.StoppedAsync("wf:other"));
        Assert.Empty(await store.TasksAsync("wf:never"));
    }

    [Theory]
    [InlineData("HybridHistory")]
    [InlineData("HybridInstances")]
    public void Constructor_OneOfTheBackendsTables_IsRefused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new TableStartedTaskStore(fixture.Azurite.ConnectionString, name));
        Assert.Contains("Azure Storage backend's own tables", e.Message, StringComparison.Ordinal);
    }

    private static DispatchRequest Poll(string execution, string key, string state) =>
        new(execution, "wf", "Job", "arn:aws:states:::states:startExecution.sync", null, 1, 300, """{"RoleArn":"arn:aws:iam::123456789012:role/r"}""", null, "alice", "sealed",
            null, key, new TaskPhase(TaskPhase.Polling, state, 1));
}
