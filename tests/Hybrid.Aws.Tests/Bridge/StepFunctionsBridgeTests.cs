using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Running;
using Hybrid.Aws.Bridge;
using Hybrid.Aws.Iam;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests.Bridge;

/// <summary>The bridge's handlers called as a runner calls them, against the strict test server.</summary>
public sealed class StepFunctionsBridgeTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}""";

    private static readonly AwsBridgeOptions Fast = new() { FirstPollInterval = TimeSpan.FromSeconds(2), MaxPollInterval = TimeSpan.FromSeconds(30) };

    private StepFunctionsBridge Bridge(AwsBridgeOptions? options = null, Func<string, string, string?>? unseal = null) =>
        new(Clients(), options ?? Fast, unseal);

    private string Machine() => Server.StepFunctions.AddStateMachine(Unique("child"));

    internal static TaskInvocation Invocation(
        string resource, JsonNode? parameters, string key = "wf:run@0/0", string? subject = "alice@example.com", string? sealedToken = null, JsonNode? credentials = null, string execution = "run-1") =>
        new("Child", resource, parameters, 0, null, null, credentials, new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = $"arn:aws:states:local:000000000000:execution:wf:{execution}",
                ["Name"] = execution,
                ["StartTime"] = "2026-11-28T21:00:00.000Z",
            },
        }, new TaskScope(key, $"wf:{execution}", subject, sealedToken));

    private static JsonObject Params(string machine, JsonNode? input = null, string? name = null)
    {
        var parameters = new JsonObject { ["StateMachineArn"] = machine, ["Input"] = input ?? new JsonObject { ["order"] = 7 } };
        if (name is not null)
        {
            parameters["Name"] = name;
        }

        return parameters;
    }

    [Fact]
    public async Task StartExecution_RequestResponse_ReturnsArnAndStartDateAndCarriesTheCaller()
    {
        var machine = Machine();
        var registry = Bridge().Register(new TaskHandlerRegistry());

        var output = await registry.InvokeAsync(Invocation(StepFunctionsBridge.StartExecution, Params(machine)), CancellationToken.None);

        var arn = output!["ExecutionArn"]!.GetValue<string>();
        var child = Server.StepFunctions.Execution(arn);
        Assert.Equal(child.StartDate.ToUnixTimeMilliseconds(), output["StartDate"]!.GetValue<long>());
        Assert.Equal(2, output.AsObject().Count);
        var input = JsonNode.Parse(child.Input)!;
        Assert.Equal(7, input["order"]!.GetValue<int>());
        Assert.Equal("alice@example.com", input["HybridCaller"]!["Subject"]!.GetValue<string>());
        Assert.Equal("arn:aws:states:local:000000000000:execution:wf:run-1", input["HybridCaller"]!["ExecutionId"]!.GetValue<string>());
        Assert.True(ExecutionNames.IsValid(child.Name));
        Assert.StartsWith("run-1-Child", child.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WorkflowSetsTheCallerField_IsReplacedByTheRealCaller()
    {
        var machine = Machine();
        var spoofed = new JsonObject { ["HybridCaller"] = new JsonObject { ["Subject"] = "mallory" } };

        var progress = await Bridge().StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine, spoofed)), CancellationToken.None);

        var child = Server.StepFunctions.Execution(progress.State!["ExecutionArn"]!.GetValue<string>());
        Assert.Equal("alice@example.com", JsonNode.Parse(child.Input)!["HybridCaller"]!["Subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartExecution_InputIsAStringOrTheExecutionHasNoCaller_IsSentAsItIs()
    {
        var machine = Machine();
        var bridge = Bridge();

        var asString = await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine, JsonValue.Create("[1,2]"))), CancellationToken.None);
        var anonymous = await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine), key: "k2", subject: null), CancellationToken.None);

        Assert.Equal("[1,2]", Server.StepFunctions.Execution(asString.State!["ExecutionArn"]!.GetValue<string>()).Input);
        Assert.Equal("""{"order":7}""", Server.StepFunctions.Execution(anonymous.State!["ExecutionArn"]!.GetValue<string>()).Input);
    }

    [Fact]
    public async Task Sync2_ChildSucceeds_ReturnsTheDescriptionWithInputAndOutputAsJson()
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine));

        var started = await bridge.StartAsync(invocation, CancellationToken.None);
        var running = await bridge.PollAsync(invocation, started.State, 1, CancellationToken.None);
        var arn = started.State!["ExecutionArn"]!.GetValue<string>();
        Server.StepFunctions.Succeed(arn, """{"granted":true}""");
        var done = await bridge.PollAsync(invocation, running.State, 2, CancellationToken.None);

        Assert.False(started.IsDone);
        Assert.Equal(TimeSpan.FromSeconds(2), started.PollAfter);
        Assert.False(running.IsDone);
        Assert.Equal(TimeSpan.FromSeconds(4), running.PollAfter);
        Assert.True(done.IsDone);
        var output = done.Output!;
        Assert.Equal(arn, output["ExecutionArn"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", output["Status"]!.GetValue<string>());
        Assert.Equal(machine, output["StateMachineArn"]!.GetValue<string>());
        Assert.True(output["Output"]!["granted"]!.GetValue<bool>());
        Assert.Equal(7, output["Input"]!["order"]!.GetValue<int>());
        Assert.True(output["OutputDetails"]!["Included"]!.GetValue<bool>());
        Assert.True(output["StopDate"]!.GetValue<long>() >= output["StartDate"]!.GetValue<long>());
    }

    [Fact]
    public async Task Sync_ChildSucceeds_ReturnsOutputAsAString()
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine));
        var started = await bridge.StartAsync(invocation, CancellationToken.None);
        Server.StepFunctions.Succeed(started.State!["ExecutionArn"]!.GetValue<string>(), """{"granted":true}""");

        var done = await bridge.PollAsync(invocation, started.State, 1, CancellationToken.None);

        Assert.Equal("""{"granted":true}""", done.Output!["Output"]!.GetValue<string>());
        Assert.IsType<string>(done.Output["Input"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData("TIMED_OUT")]
    [InlineData("ABORTED")]
    public async Task Sync_ChildDoesNotSucceed_FailsWithTaskFailedAndTheChildInTheCause(string status)
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine));
        var started = await bridge.StartAsync(invocation, CancellationToken.None);
        var arn = started.State!["ExecutionArn"]!.GetValue<string>();
        switch (status)
        {
            case "FAILED": Server.StepFunctions.Fail(arn, "Approval.Denied", "the manager said no"); break;
            case "TIMED_OUT": Server.StepFunctions.TimeOut(arn); break;
            default: await bridge.StopAsync(invocation, started.State, "Parent.Stopped", "stopped by the test", CancellationToken.None); break;
        }

        var error = await Assert.ThrowsAsync<AslException>(async () => await bridge.PollAsync(invocation, started.State, 1, CancellationToken.None));

        Assert.Equal(ErrorNames.TaskFailed, error.Error);
        var cause = JsonNode.Parse(error.Cause)!;
        Assert.Equal(status, cause["Status"]!.GetValue<string>());
        Assert.Equal(arn, cause["ExecutionArn"]!.GetValue<string>());
        Assert.Equal(
            status switch { "FAILED" => "Approval.Denied", "TIMED_OUT" => "States.Timeout", _ => "Parent.Stopped" },
            cause["Error"]!.GetValue<string>());
        Assert.NotNull(cause["Cause"]);
    }

    [Fact]
    public async Task Start_RepeatedForTheSameInvocation_StartsOneExecution()
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine));

        var first = await bridge.StartAsync(invocation, CancellationToken.None);
        var again = await bridge.StartAsync(invocation, CancellationToken.None);
        Server.StepFunctions.Succeed(first.State!["ExecutionArn"]!.GetValue<string>(), "{}");
        var afterClose = await bridge.StartAsync(invocation, CancellationToken.None);
        var retry = await bridge.StartAsync(invocation with { Scope = invocation.Scope! with { Key = "wf:run@0/1" }, Attempt = 1 }, CancellationToken.None);

        Assert.Equal(first.State["ExecutionArn"]!.ToJsonString(), again.State!["ExecutionArn"]!.ToJsonString());
        Assert.Equal(first.State["ExecutionArn"]!.ToJsonString(), afterClose.State!["ExecutionArn"]!.ToJsonString());
        Assert.NotEqual(first.State["ExecutionArn"]!.ToJsonString(), retry.State!["ExecutionArn"]!.ToJsonString());
        Assert.Equal(2, Server.StepFunctions.Executions.Count(e => e.StateMachineArn == machine));
        Assert.Contains(Server.Requests, r => r.Operation == "StartExecution" && r.ErrorCode == "ExecutionAlreadyExists");
    }

    [Fact]
    public async Task Start_NameTakenWithAnotherInput_FailsWithAwsErrorNameAndCause()
    {
        var machine = Machine();
        var bridge = Bridge();
        await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine, name: "fixed")), CancellationToken.None);

        var error = await Assert.ThrowsAsync<AslException>(async () =>
            await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine, new JsonObject { ["order"] = 8 }, "fixed"), key: "k2"), CancellationToken.None));

        Assert.Equal("StepFunctions.ExecutionAlreadyExistsException", error.Error);
        Assert.Contains("Service: AWSStepFunctions; Status Code: 400; Error Code: ExecutionAlreadyExists; Request ID: ", error.Cause, StringComparison.Ordinal);
        Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
    }

    [Fact]
    public async Task Start_UnknownStateMachine_FailsWithStateMachineDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<AslException>(async () => await Bridge().StartAsync(
            Invocation(StepFunctionsBridge.StartExecutionSync, Params($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:stateMachine:{Unique("nope")}")), CancellationToken.None));

        Assert.Equal("StepFunctions.StateMachineDoesNotExistException", error.Error);
    }

    [Fact]
    public async Task Start_MalformedResponse_StartsAgainUnderTheSameNameAndGetsOneExecution()
    {
        var machine = Machine();
        Server.Faults.Enqueue("states", "StartExecution", FaultKind.MalformedResponse);

        var progress = await Bridge().StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine)), CancellationToken.None);

        Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
        Assert.Equal(Server.StepFunctions.Executions.Single(e => e.StateMachineArn == machine).Arn, progress.State!["ExecutionArn"]!.GetValue<string>());
        Assert.Equal(2, CountRequests("states", "StartExecution"));
    }

    [Fact]
    public async Task Poll_ThrottlingStormOutlastsTheClientsRetries_WaitsTheLongestIntervalAndPollsAgain()
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine));
        var started = await bridge.StartAsync(invocation, CancellationToken.None);
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.Throttle, times: 4);

        var throttled = await bridge.PollAsync(invocation, started.State, 1, CancellationToken.None);
        Server.StepFunctions.Succeed(started.State!["ExecutionArn"]!.GetValue<string>(), "{}");
        var done = await bridge.PollAsync(invocation, throttled.State, 2, CancellationToken.None);

        Assert.False(throttled.IsDone);
        Assert.Equal(TimeSpan.FromSeconds(30), throttled.PollAfter);
        Assert.True(done.IsDone);
        Assert.Equal(4, Server.Requests.Count(r => r.Operation == "DescribeExecution" && r.ErrorCode == "ThrottlingException"));
    }

    [Fact]
    public async Task Poll_MalformedResponse_PollsAgainLater()
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine));
        var started = await bridge.StartAsync(invocation, CancellationToken.None);
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.MalformedResponse);

        var progress = await bridge.PollAsync(invocation, started.State, 1, CancellationToken.None);

        Assert.False(progress.IsDone);
        Assert.Equal(TimeSpan.FromSeconds(30), progress.PollAfter);
    }

    [Fact]
    public async Task Stop_RunningChild_AbortsItWithTheErrorAndCause_AndStoppingAgainIsHarmless()
    {
        var machine = Machine();
        var bridge = Bridge();
        var invocation = Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine));
        var started = await bridge.StartAsync(invocation, CancellationToken.None);

        await bridge.StopAsync(invocation, started.State, ErrorNames.Aborted, "The parent was stopped.", CancellationToken.None);
        await bridge.StopAsync(invocation, started.State, ErrorNames.Aborted, "The parent was stopped.", CancellationToken.None);

        var child = Server.StepFunctions.Execution(started.State!["ExecutionArn"]!.GetValue<string>());
        Assert.Equal("ABORTED", child.Status);
        Assert.Equal(ErrorNames.Aborted, child.Error);
        Assert.Equal("The parent was stopped.", child.Cause);
    }

    [Theory]
    [InlineData("""{"Input":{}}""", "StateMachineArn parameter is required")]
    [InlineData("""{"StateMachineArn":7}""", "StateMachineArn parameter is required")]
    [InlineData("""{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x","Name":3}""", "Name parameter must be a string")]
    [InlineData("""{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x","Nmae":"a"}""", "'Nmae' is not a parameter")]
    [InlineData("""["StateMachineArn"]""", "must be an object")]
    public async Task Start_BadParameters_FailsWithRuntimeErrorNamingTheProblem(string parameters, string problem)
    {
        var error = await Assert.ThrowsAsync<AslException>(async () =>
            await Bridge().StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, JsonNode.Parse(parameters)), CancellationToken.None));

        Assert.Equal(ErrorNames.Runtime, error.Error);
        Assert.Contains(problem, error.Cause, StringComparison.Ordinal);
        Assert.Contains("Task 'Child'", error.Cause, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Federation_AssumeRole_CallsAsTheCallerWithTheSubjectAsSourceIdentity_AndCachesTheSession()
    {
        var machine = Machine();
        var role = await Clients().Iam.CreateRoleAsync(new CreateRoleRequest(Unique("bridge"), Trust));
        var bridge = Bridge(Fast with { Federation = new AwsFederationOptions { Mode = AwsFederationMode.AssumeRole, RoleArn = role.Arn } });

        var first = await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync2, Params(machine)), CancellationToken.None);
        await bridge.PollAsync(Invocation(StepFunctionsBridge.StartExecutionSync2, null), first.State, 1, CancellationToken.None);

        var session = Assert.Single(Server.Sts.Sessions, s => s.RoleArn == role.Arn);
        Assert.Equal("alice@example.com", session.SourceIdentity);
        Assert.Equal("alice@example.com", session.RoleSessionName);
        Assert.Equal([new("hybrid:subject", "alice@example.com")], session.Tags);
        Assert.All(Server.Requests.Where(r => r.Service == "states"), r => Assert.Equal(session.AccessKeyId, r.AccessKeyId));
        Assert.Equal(1, CountRequests("sts", "AssumeRole"));
    }

    [Fact]
    public async Task Federation_TaskCredentialsRoleArn_AssumesThatRoleEvenWithoutFederation()
    {
        var machine = Machine();
        var role = await Clients().Iam.CreateRoleAsync(new CreateRoleRequest(Unique("task-role"), Trust));

        await Bridge().StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine), credentials: new JsonObject { ["RoleArn"] = role.Arn }), CancellationToken.None);

        var session = Assert.Single(Server.Sts.Sessions, s => s.RoleArn == role.Arn);
        Assert.Equal(session.AccessKeyId, Server.Requests.Single(r => r.Operation == "StartExecution").AccessKeyId);
    }

    [Fact]
    public async Task Federation_WebIdentity_AssumesTheRoleWithTheCallersUnsealedToken()
    {
        var machine = Machine();
        var role = await Clients().Iam.CreateRoleAsync(new CreateRoleRequest(Unique("web"), Trust));
        var token = "ping-token-" + Guid.NewGuid().ToString("N");
        Server.Sts.AcceptWebIdentityToken(token, new WebIdentity("alice@example.com", "hybrid-client", "ping.example.com"));
        var bridge = Bridge(
            Fast with { Federation = new AwsFederationOptions { Mode = AwsFederationMode.WebIdentity, RoleArn = role.Arn } },
            (sealedToken, purpose) => sealedToken == "sealed:v1:abc" && purpose == "wf:run-1" ? token : null);

        await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine), sealedToken: "sealed:v1:abc"), CancellationToken.None);
        var noToken = await Assert.ThrowsAsync<AslException>(async () =>
            await bridge.StartAsync(Invocation(StepFunctionsBridge.StartExecutionSync, Params(machine), key: "k2", subject: "bob"), CancellationToken.None));

        var session = Assert.Single(Server.Sts.Sessions, s => s.RoleArn == role.Arn);
        Assert.Equal("alice@example.com", session.WebIdentitySubject);
        Assert.Equal(session.AccessKeyId, Server.Requests.Single(r => r.Operation == "StartExecution").AccessKeyId);
        Assert.Equal("Hybrid.Aws.FederationFailed", noToken.Error);
        Assert.Contains("has no caller", noToken.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Invalid_AreRefusedWithTheirName()
    {
        Assert.Throws<ArgumentException>(() => new AwsBridgeOptions { Federation = new AwsFederationOptions { Mode = AwsFederationMode.AssumeRole } }.Validate());
        Assert.Throws<ArgumentException>(() => new AwsBridgeOptions { FirstPollInterval = TimeSpan.FromMinutes(2) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AwsBridgeOptions { Federation = new AwsFederationOptions { DurationSeconds = 60 } }.Validate());
    }

    [Theory]
    [InlineData("arn:aws:states:us-east-1:123456789012:stateMachine:Orders", "arn:aws:states:us-east-1:123456789012:execution:Orders:n1")]
    [InlineData("arn:aws:states:us-east-1:123456789012:stateMachine:Orders:2", null)]
    public void ExecutionArnFor_StateMachine_IsTheExecutionArnAwsGives(string machine, string? expected)
        => Assert.Equal(expected, StepFunctionsBridge.ExecutionArnFor(machine, "n1"));
}
