using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Aws.TestServer;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Aws.Tests.Bridge;

/// <summary>The bridge on the durable runtime, through the local host: durable polling, Catch, timeouts, stopping.</summary>
public sealed class DurableBridgeTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private static string Definition(string machine, string resource = "arn:aws:states:::states:startExecution.sync:2", string extra = NoCatch) => $$$$"""
        {"StartAt":"Child","States":{
          "Child":{"Type":"Task","Resource":"{{{{resource}}}}",
            "Parameters":{"StateMachineArn":"{{{{machine}}}}","Input":{"who.$":"$.who"}},{{{{extra}}}}
            "End":true},
          "Caught":{"Type":"Pass","End":true}}}
        """;

    private const string NoCatch = """ "Catch":[{"ErrorEquals":["Never.Raised"],"Next":"Caught"}], """;

    private Task<BridgeHost> HostAsync(string machine, string definition) =>
        BridgeHost.StartAsync(Options(), new Dictionary<string, string> { ["parent"] = definition });

    [Fact]
    public async Task Sync2_ChildSucceeds_TheTaskResultIsTheChildWithItsOutputAsJson()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        await using var host = await HostAsync(machine, Definition(machine));

        var started = await host.StartAsync("parent", "ok-1", """{"who":"ann"}""");
        var child = Assert.Single(await BridgeHost.ChildrenAsync(Server, machine));
        Server.StepFunctions.Succeed(child.Arn, """{"granted":true,"role":"arn:aws:iam::123456789012:role/hybrid/temporary/t1"}""");
        var done = await host.WaitAsync(started);

        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Equal("SUCCEEDED", done.Output!["Status"]!.GetValue<string>());
        Assert.True(done.Output["Output"]!["granted"]!.GetValue<bool>());
        Assert.Equal(child.Arn, done.Output["ExecutionArn"]!.GetValue<string>());
        var input = JsonNode.Parse(child.Input)!;
        Assert.Equal("ann", input["who"]!.GetValue<string>());
        Assert.Equal(BridgeHost.Subject, input["HybridCaller"]!["Subject"]!.GetValue<string>());
        var history = (await host.Executions.GetHistoryAsync(started))!.Select(e => e.Type).ToList();
        Assert.Equal(["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"], history.Where(t => t.StartsWith("Task", StringComparison.Ordinal) && t != "TaskStateEntered" && t != "TaskStateExited"));
        Assert.Contains(Server.Requests, r => r.Operation == "DescribeExecution");
    }

    [Fact]
    public async Task ThrottlingStormWhilePolling_TheTaskWaitsItOutDurablyAndSucceeds()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        await using var host = await HostAsync(machine, Definition(machine));
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.Throttle, times: 12);

        var started = await host.StartAsync("parent", "storm-1", """{"who":"ann"}""");
        var child = Assert.Single(await BridgeHost.ChildrenAsync(Server, machine));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (Server.Requests.Count(r => r.Operation == "DescribeExecution" && r.ErrorCode == "ThrottlingException") < 12)
            {
                await Task.Delay(50, cts.Token);
            }
        }

        Server.StepFunctions.Succeed(child.Arn, "{}");
        var done = await host.WaitAsync(started);

        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
    }

    [Fact]
    public async Task ChildFails_CatchReceivesTaskFailedWithTheChildsErrorAndCause()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        var catcher = """ "Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.error","Next":"Caught"}], """;
        await using var host = await HostAsync(machine, Definition(machine, extra: catcher));

        var started = await host.StartAsync("parent", "fail-1", """{"who":"ann"}""");
        var child = Assert.Single(await BridgeHost.ChildrenAsync(Server, machine));
        Server.StepFunctions.Fail(child.Arn, "Approval.Denied", "the manager said no");
        var done = await host.WaitAsync(started);

        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        var error = done.Output!["error"]!;
        Assert.Equal(ErrorNames.TaskFailed, error["Error"]!.GetValue<string>());
        var cause = JsonNode.Parse(error["Cause"]!.GetValue<string>())!;
        Assert.Equal("FAILED", cause["Status"]!.GetValue<string>());
        Assert.Equal("Approval.Denied", cause["Error"]!.GetValue<string>());
        Assert.Equal("the manager said no", cause["Cause"]!.GetValue<string>());
    }

    [Fact]
    public async Task TaskTimesOut_TheChildIsStoppedAndCatchReceivesStatesTimeout()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        var timeout = """ "TimeoutSeconds":3, "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.error","Next":"Caught"}], """;
        await using var host = await HostAsync(machine, Definition(machine, extra: timeout));

        var started = await host.StartAsync("parent", "slow-1", """{"who":"ann"}""");
        var done = await host.WaitAsync(started);

        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Equal(ErrorNames.Timeout, done.Output!["error"]!["Error"]!.GetValue<string>());
        var child = Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
        Assert.Equal("ABORTED", child.Status);
        Assert.Equal(ErrorNames.Timeout, child.Error);
    }

    [Fact]
    public async Task StopParent_WaitingInParallelBranches_StopsEveryChild()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        var branch = $$$$"""{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":"{{{{machine}}}}","Input":{"branch.$":"$.n"}},"End":true}}}""";
        var definition = $$$$"""
            {"StartAt":"Both","States":{"Both":{"Type":"Parallel","Branches":[{{{{branch}}}},{{{{branch}}}}],
              "Parameters":{"n.$":"States.UUID()"},"End":true}}}
            """;
        await using var host = await HostAsync(machine, definition);

        var started = await host.StartAsync("parent", "stop-1");
        var children = await BridgeHost.ChildrenAsync(Server, machine, count: 2);
        await WaitForWaitingAsync(host, started, count: 2);
        await host.Executions.StopAsync(started, "Operator.Stopped", "the operator stopped it");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (children.Any(c => Server.StepFunctions.Execution(c.Arn).Status == "RUNNING"))
        {
            await Task.Delay(50, cts.Token);
        }

        Assert.Equal(ExecutionStatus.Aborted, (await host.Executions.DescribeAsync(started))!.Status);
        Assert.All(children, c =>
        {
            var stopped = Server.StepFunctions.Execution(c.Arn);
            Assert.Equal("ABORTED", stopped.Status);
            Assert.Equal("Operator.Stopped", stopped.Error);
            Assert.Equal("the operator stopped it", stopped.Cause);
        });
    }

    [Fact]
    public async Task StopParent_WhileTheChildIsBeingStarted_StopsTheChild()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        await using var host = await HostAsync(machine, Definition(machine));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.BeforeAnswer = (_, operation, input) => operation == "StartExecution" && (string?)input["stateMachineArn"] == machine && held.TrySetResult()
            ? release.Task
            : Task.CompletedTask;
        try
        {
            // The child has started on AWS; the bridge has not heard so yet, so nothing in Hybrid names it.
            var started = await host.StartAsync("parent", "stop-mid-start", """{"who":"ann"}""");
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var child = Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
            await host.Executions.StopAsync(started, "Operator.Stopped", "stopped while the child started");
            release.SetResult();

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (Server.StepFunctions.Execution(child.Arn).Status == "RUNNING")
            {
                await Task.Delay(50, cts.Token);
            }

            Assert.Equal(ExecutionStatus.Aborted, (await host.Executions.DescribeAsync(started))!.Status);
            var stopped = Server.StepFunctions.Execution(child.Arn);
            Assert.Equal("ABORTED", stopped.Status);
            Assert.Equal("Operator.Stopped", stopped.Error);
            Assert.Equal("stopped while the child started", stopped.Cause);
            Assert.Contains(Server.Requests, r => r.Operation == "StopExecution" && (string?)r.Input!["executionArn"] == child.Arn);
        }
        finally
        {
            Server.BeforeAnswer = null;
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task StartExecution_SameNameGivenTwiceWithAnotherInput_CatchReceivesExecutionAlreadyExists()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        var definition = $$$$"""
            {"StartAt":"First","States":{
              "First":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution","Parameters":{"StateMachineArn":"{{{{machine}}}}","Name":"fixed","Input":{"n":1}},"ResultPath":"$.first","Next":"Second"},
              "Second":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution","Parameters":{"StateMachineArn":"{{{{machine}}}}","Name":"fixed","Input":{"n":2}},
                "Catch":[{"ErrorEquals":["StepFunctions.ExecutionAlreadyExistsException"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """;
        await using var host = await HostAsync(machine, definition);

        var started = await host.StartAsync("parent", "dup-1");
        var done = await host.WaitAsync(started);

        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.EndsWith(":fixed", done.Output!["first"]!["ExecutionArn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("StepFunctions.ExecutionAlreadyExistsException", done.Output["error"]!["Error"]!.GetValue<string>());
        Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
    }

    /// <summary>Until the instances of the execution name that many long-running tasks in their custom status.</summary>
    private static async Task WaitForWaitingAsync(BridgeHost host, string executionId, int count)
    {
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var waiting = 0;
            await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = executionId, FetchInputsAndOutputs = true }).WithCancellation(cts.Token))
            {
                if (instance.SerializedCustomStatus is not null && instance.ReadCustomStatusAs<ExecutionProgress>()?.Waiting is not null)
                {
                    waiting++;
                }
            }

            if (waiting >= count)
            {
                return;
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
