using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Hybrid.Asl.Json;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.Tests.Executions;

/// <summary>Workflows the execution-operation tests use, on one in-memory host.</summary>
public sealed class ExecutionHostFixture : IAsyncLifetime
{
    public const string Greet = """{"StartAt":"Hello","States":{"Hello":{"Type":"Task","Resource":"arn:hybrid:greet","End":true}}}""";

    public const string Sleepy = """{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}""";

    public const string Approval = """
        {"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters":{"token.$":"$$.Task.Token"},"TimeoutSeconds":600,"HeartbeatSeconds":300,"End":true}}}
        """;

    public const string Loop = """
        {"StartAt":"Init","States":{
          "Init":{"Type":"Pass","Result":0,"ResultPath":"$.i","Next":"Step"},
          "Step":{"Type":"Task","Resource":"arn:hybrid:increment","Next":"More"},
          "More":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":30,"Next":"Step"}],"Default":"Done"},
          "Done":{"Type":"Succeed"}}}
        """;

    internal DurableHost Host { get; private set; } = null!;

    internal List<string> Tokens { get; } = [];

    public async Task InitializeAsync()
    {
        var registry = FolderWorkflowRegistry.FromSources(
        [
            ("greet", "test", Greet),
            ("sleepy", "test", Sleepy),
            ("approval", "test", Approval),
            ("loop", "test", Loop),
        ]);
        Host = await DurableHost.StartAsync(
            registry,
            handlers => handlers
                .Register("arn:hybrid:greet", input => new JsonObject { ["greeting"] = "Hello, " + input?["name"]?.GetValue<string>() })
                .Register("arn:hybrid:increment", input => new JsonObject { ["i"] = input!["i"]!.GetValue<int>() + 1 })
                .Register("arn:aws:states:::sqs:sendMessage.waitForTaskToken", input =>
                {
                    lock (Tokens)
                    {
                        Tokens.Add(input!["token"]!.GetValue<string>());
                    }

                    return null;
                }));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class ExecutionServiceTests(ExecutionHostFixture fixture) : IClassFixture<ExecutionHostFixture>
{
    private IExecutionService Executions => fixture.Host.Executions;

    [Fact]
    public async Task Start_ThenDescribeAndHistory_ReportTheRun()
    {
        var started = await Executions.StartAsync("greet", JsonNode.Parse("""{"name":"Ann"}"""), "run-1");

        var description = await fixture.Host.WaitAsync(started.ExecutionId);

        Assert.Equal("greet:run-1", started.ExecutionId);
        Assert.True(started.Created);
        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal("run-1", description.Name);
        Assert.Equal("greet", description.Workflow);
        Assert.True(AslJson.DeepEquals(JsonNode.Parse("""{"greeting":"Hello, Ann"}"""), description.Output));
        var history = await Executions.GetHistoryAsync(started.ExecutionId);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"],
            history!.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, history!.Count).Select(i => (long)i), history.Select(e => e.Id));
    }

    [Fact]
    public async Task Start_SameNameAndInput_IsIdempotentWhileRunning()
    {
        var first = await Executions.StartAsync("sleepy", JsonNode.Parse("""{"a":1}"""), "same");
        var again = await Executions.StartAsync("sleepy", JsonNode.Parse("""{"a":1.0}"""), "same");

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.ExecutionId, again.ExecutionId);
        await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => Executions.StartAsync("sleepy", JsonNode.Parse("""{"a":2}"""), "same"));
        await Executions.StopAsync(first.ExecutionId);
    }

    [Fact]
    public async Task Start_AfterTheExecutionFinished_SameNameIsRefused()
    {
        var started = await Executions.StartAsync("greet", JsonNode.Parse("""{"name":"B"}"""), "finished-once");
        await fixture.Host.WaitAsync(started.ExecutionId);

        await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => Executions.StartAsync("greet", JsonNode.Parse("""{"name":"B"}"""), "finished-once"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("colon:name")]
    [InlineData("")]
    [InlineData("slash/name")]
    public async Task Start_InvalidName_IsRefusedBeforeAnythingRuns(string name)
    {
        var error = await Assert.ThrowsAsync<InvalidExecutionRequestException>(() => Executions.StartAsync("greet", null, name));

        Assert.Equal("InvalidName", error.Code);
    }

    [Fact]
    public async Task Start_UnknownWorkflowOrOversizedInput_IsRefused()
    {
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Executions.StartAsync("nope", null));
        var big = new JsonObject { ["x"] = new string('x', 300 * 1024) };
        var error = await Assert.ThrowsAsync<InvalidExecutionRequestException>(() => Executions.StartAsync("greet", big));
        Assert.Equal("InvalidExecutionInput", error.Code);
    }

    [Fact]
    public async Task Stop_RunningExecution_IsAbortedWithErrorCauseAndHistory()
    {
        var started = await Executions.StartAsync("sleepy", null, "to-stop");
        await WaitForStateAsync(started.ExecutionId, "Nap");

        await Executions.StopAsync(started.ExecutionId, "Operator", "no longer needed");
        var description = await fixture.Host.WaitAsync(started.ExecutionId);

        Assert.Equal(ExecutionStatus.Aborted, description.Status);
        Assert.Equal("Operator", description.Error);
        Assert.Equal("no longer needed", description.Cause);
        var history = await Executions.GetHistoryAsync(started.ExecutionId);
        Assert.Equal("ExecutionAborted", history![^1].Type);
        Assert.Contains(history, e => e.Type == "WaitStateEntered");
    }

    [Fact]
    public async Task DescribeStopAndHistory_UnknownExecution_AreNotFound()
    {
        Assert.Null(await Executions.DescribeAsync("greet:never-started"));
        Assert.Null(await Executions.DescribeAsync("not an id"));
        Assert.Null(await Executions.GetHistoryAsync("greet:never-started"));
        await Assert.ThrowsAsync<ExecutionNotFoundException>(() => Executions.StopAsync("greet:never-started"));
    }

    [Fact]
    public async Task List_FiltersByWorkflowAndStatus()
    {
        var done = await Executions.StartAsync("greet", JsonNode.Parse("""{"name":"L"}"""), "listed-done");
        await fixture.Host.WaitAsync(done.ExecutionId);
        var running = await Executions.StartAsync("sleepy", null, "listed-running");
        await WaitForStateAsync(running.ExecutionId, "Nap");

        var greet = await Executions.ListAsync(new ExecutionFilter(Workflow: "greet"));
        var runningSleepy = await Executions.ListAsync(new ExecutionFilter(Workflow: "sleepy", Status: ExecutionStatus.Running));

        Assert.Contains(greet.Executions, e => e.ExecutionId == done.ExecutionId);
        Assert.All(greet.Executions, e => Assert.Equal("greet", e.Workflow));
        Assert.Contains(runningSleepy.Executions, e => e.ExecutionId == running.ExecutionId);
        Assert.All(runningSleepy.Executions, e => Assert.Equal(ExecutionStatus.Running, e.Status));
        await Assert.ThrowsAsync<InvalidExecutionRequestException>(() => Executions.ListAsync(new ExecutionFilter(Status: "SLEEPING")));
        await Executions.StopAsync(running.ExecutionId);
    }

    [Fact]
    public async Task TaskToken_SendTaskSuccess_CompletesTheWaitingTask()
    {
        var started = await Executions.StartAsync("approval", null, "approve-me");
        var token = await WaitForTokenAsync(started.ExecutionId);

        await Executions.SendTaskHeartbeatAsync(token);
        await Executions.SendTaskSuccessAsync(token, JsonNode.Parse("""{"approved":true}"""));
        var description = await fixture.Host.WaitAsync(started.ExecutionId);

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.True(AslJson.DeepEquals(JsonNode.Parse("""{"approved":true}"""), description.Output));
    }

    [Fact]
    public async Task TaskToken_SendTaskFailure_FailsTheTaskWithTheGivenError()
    {
        var started = await Executions.StartAsync("approval", null, "reject-me");
        var token = await WaitForTokenAsync(started.ExecutionId);

        await Executions.SendTaskFailureAsync(token, "Rejected", "by carol");
        var description = await fixture.Host.WaitAsync(started.ExecutionId);

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal("Rejected", description.Error);
        Assert.Equal("by carol", description.Cause);
        await Assert.ThrowsAsync<TaskTokenException>(() => Executions.SendTaskSuccessAsync(token, null));
    }

    /// <summary>
    /// A finished execution refuses every callback of its token, and a callback event raised on it anyway (as one that
    /// passed the check just before the execution finished would be) changes neither its description nor its history.
    /// </summary>
    [Fact]
    public async Task TaskToken_AfterTheExecutionFinished_CallbacksAreRefusedAndALateEventChangesNothing()
    {
        var started = await Executions.StartAsync("approval", null, "answered-once");
        var token = await WaitForTokenAsync(started.ExecutionId);
        await Executions.SendTaskSuccessAsync(token, JsonNode.Parse("""{"approved":true}"""));
        var finished = await fixture.Host.WaitAsync(started.ExecutionId);
        var history = (await Executions.GetHistoryAsync(started.ExecutionId))!;
        var instance = (await fixture.Host.Client.GetInstanceAsync(started.ExecutionId))!;

        var refusals = new[]
        {
            await Assert.ThrowsAsync<TaskTokenException>(() => Executions.SendTaskSuccessAsync(token, JsonNode.Parse("""{"approved":false}"""))),
            await Assert.ThrowsAsync<TaskTokenException>(() => Executions.SendTaskFailureAsync(token, "Late", "too late")),
            await Assert.ThrowsAsync<TaskTokenException>(() => Executions.SendTaskHeartbeatAsync(token)),
        };
        Assert.True(TaskTokens.TryParse(token, out var instanceId, out var id));
        await fixture.Host.Client.RaiseEventAsync(instanceId, TaskTokens.CallbackEvent(id), new TaskCallback("success", """{"approved":false}""", null, null));
        var after = await UnchangedForAsync(started.ExecutionId, instance.LastUpdatedAt);

        Assert.All(refusals, e => Assert.Equal("TaskTimedOut", e.Code));
        Assert.Equal(instance.LastUpdatedAt, after.LastUpdatedAt);
        var description = (await Executions.DescribeAsync(started.ExecutionId))!;
        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.True(AslJson.DeepEquals(finished.Output, description.Output));
        Assert.True(AslJson.DeepEquals(JsonNode.Parse("""{"approved":true}"""), description.Output));
        Assert.Equal(finished.StopDate, description.StopDate);
        var historyAfter = (await Executions.GetHistoryAsync(started.ExecutionId))!;
        Assert.Equal("ExecutionSucceeded", historyAfter[^1].Type);
        Assert.Equal(history.Select(e => (e.Id, e.Type)), historyAfter.Select(e => (e.Id, e.Type)));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("Zm9v.0123456789abcdef0123456789abcdef")]
    public async Task TaskToken_MalformedOrUnknown_IsRefused(string token)
    {
        await Assert.ThrowsAsync<TaskTokenException>(() => Executions.SendTaskSuccessAsync(token, null));
    }

    [Fact]
    public async Task LongLoop_RollsOverWithContinueAsNew_AndKeepsItsIdentityAndHistory()
    {
        var registry = FolderWorkflowRegistry.FromSources([("loop", "test", ExecutionHostFixture.Loop)]);
        await using var host = await DurableHost.StartAsync(
            registry,
            handlers => handlers.Register("arn:hybrid:increment", input => new JsonObject { ["i"] = input!["i"]!.GetValue<int>() + 1 }),
            configure: services => services.AddSingleton(new ExecutionServiceOptions { Run = RunSettings.Default with { MaxOperationsPerGeneration = 4 } }));

        var started = await host.Executions.StartAsync("loop", new JsonObject(), "long");
        var description = await host.WaitAsync(started.ExecutionId);

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal(30, description.Output!["i"]!.GetValue<int>());
        var run = (await host.Client.GetInstanceAsync(started.ExecutionId, getInputsAndOutputs: true))!.ReadInputAs<MachineRun>()!;
        Assert.True(run.Generation >= 7, $"expected several ContinueAsNew generations, got {run.Generation}");
        var history = await host.Executions.GetHistoryAsync(started.ExecutionId);
        Assert.Equal(1, history!.Count(e => e.Type == "ExecutionStarted"));
        Assert.Equal(30, history!.Count(e => e.Type == "TaskSucceeded"));
        Assert.Equal("ExecutionSucceeded", history![^1].Type);
    }

    /// <summary>The instance once it has stayed as last updated at <paramref name="lastUpdated"/> for 3 s (or changed).</summary>
    private async Task<Microsoft.DurableTask.Client.OrchestrationMetadata> UnchangedForAsync(string executionId, DateTimeOffset lastUpdated)
    {
        var until = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            var metadata = (await fixture.Host.Client.GetInstanceAsync(executionId))!;
            if (metadata.LastUpdatedAt != lastUpdated || DateTime.UtcNow >= until)
            {
                return metadata;
            }

            await Task.Delay(50);
        }
    }

    private async Task<string> WaitForTokenAsync(string executionId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            lock (fixture.Tokens)
            {
                var prefix = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(executionId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                if (fixture.Tokens.FirstOrDefault(t => t.StartsWith(prefix + ".", StringComparison.Ordinal)) is { } token)
                {
                    return token;
                }
            }

            await Task.Delay(20, cts.Token);
        }
    }

    private async Task WaitForStateAsync(string executionId, string state)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await Executions.DescribeAsync(executionId, cts.Token))?.CurrentState != state)
        {
            await Task.Delay(20, cts.Token);
        }
    }
}
