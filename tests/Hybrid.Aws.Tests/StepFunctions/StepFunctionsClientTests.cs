using System.Text.Json;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests.StepFunctions;

public sealed class StepFunctionsClientTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private IStepFunctionsClient Sfn => Clients().StepFunctions;

    private string Machine(StateMachineType type = StateMachineType.Standard) => Server.StepFunctions.AddStateMachine(Unique("sm"), type);

    [Fact]
    public async Task StartExecution_NewName_StartsRunningExecution()
    {
        var machine = Machine();

        var result = await Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "run-1", """{"a":1}""", "Root=1-abc"));

        Assert.EndsWith(":run-1", result.ExecutionArn, StringComparison.Ordinal);
        var kept = Server.StepFunctions.Execution(result.ExecutionArn);
        Assert.Equal("RUNNING", kept.Status);
        Assert.Equal("""{"a":1}""", kept.Input);
        Assert.Equal("Root=1-abc", kept.TraceHeader);
        Assert.Equal(kept.StartDate.ToUnixTimeMilliseconds(), result.StartDate.ToUnixTimeMilliseconds());
        var sent = Assert.Single(Server.Requests);
        Assert.Equal(AwsTestServer.DefaultAccessKeyId, sent.AccessKeyId);
    }

    [Fact]
    public async Task StartExecution_NoName_LetsAwsPickOne()
    {
        var result = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));

        Assert.Equal("{}", Server.StepFunctions.Execution(result.ExecutionArn).Input);
    }

    [Fact]
    public async Task StartExecution_SameNameAndInputWhileRunning_ReturnsSameArn()
    {
        var machine = Machine();
        var first = await Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "idem", "{}"));

        var second = await Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "idem", "{}"));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task StartExecution_SameNameOtherInput_ThrowsExecutionAlreadyExists()
    {
        var machine = Machine();
        await Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "dup", "{}"));

        var ex = await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "dup", """{"x":2}""")));

        Assert.Equal("ExecutionAlreadyExists", ex.ErrorCode);
        Assert.Equal("StartExecution", ex.Details.Operation);
        Assert.Equal(400, (int)ex.StatusCode);
        Assert.NotNull(ex.Details.RequestId);
        Assert.Equal(2, CountRequests("states", "StartExecution"));
    }

    [Fact]
    public async Task StartExecution_SameNameAfterClose_ThrowsExecutionAlreadyExists()
    {
        var machine = Machine();
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "closed", "{}"));
        Server.StepFunctions.Succeed(started.ExecutionArn, "{}");

        await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(machine, "closed", "{}")));
    }

    [Fact]
    public async Task StartExecution_UnknownStateMachine_ThrowsStateMachineDoesNotExist()
        => await Assert.ThrowsAsync<StateMachineDoesNotExistException>(() => Sfn.StartExecutionAsync(
            new StartExecutionRequest($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:stateMachine:nobody")));

    [Fact]
    public async Task StartExecution_MalformedArn_ThrowsInvalidArn()
        => await Assert.ThrowsAsync<InvalidArnException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest("arn:aws:lambda:us-east-1:1:function:f")));

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("semi;colon")]
    public async Task StartExecution_ForbiddenCharacterInName_ThrowsInvalidName(string name)
        => await Assert.ThrowsAsync<InvalidNameException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(Machine(), name)));

    [Fact]
    public async Task StartExecution_InputNotJson_ThrowsInvalidExecutionInput()
        => await Assert.ThrowsAsync<InvalidExecutionInputException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(Machine(), "bad-input", "{not json")));

    [Fact]
    public async Task StartExecution_MachineBeingDeleted_ThrowsStateMachineDeleting()
    {
        var machine = Machine();
        Server.StepFunctions.MarkDeleting(machine);

        await Assert.ThrowsAsync<StateMachineDeletingException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(machine)));
    }

    [Fact]
    public async Task StartExecution_TooManyRunning_ThrowsExecutionLimitExceeded()
    {
        var running = Server.StepFunctions.Executions.Count(e => e.Status == "RUNNING");
        Server.StepFunctions.MaxRunningExecutions = running;
        try
        {
            await Assert.ThrowsAsync<ExecutionLimitExceededException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(Machine())));
        }
        finally
        {
            Server.StepFunctions.MaxRunningExecutions = 1_000_000;
        }
    }

    [Fact]
    public async Task StartExecution_NameLongerThanModelAllows_ThrowsValidationException()
    {
        var ex = await Assert.ThrowsAsync<StepFunctionsValidationException>(() => Sfn.StartExecutionAsync(new StartExecutionRequest(Machine(), new string('n', 81))));

        Assert.Contains("must not exceed 80", ex.Message, StringComparison.Ordinal);
        var rejection = Assert.Single(Server.Rejections);
        Assert.Equal("ValidationException", rejection.Code);
        Server.ClearLog();
    }

    [Fact]
    public async Task DescribeExecution_Running_ReportsRunning()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine(), "desc", """{"in":true}"""));

        var description = await Sfn.DescribeExecutionAsync(started.ExecutionArn);

        Assert.Equal(ExecutionStatus.Running, description.Status);
        Assert.Equal("desc", description.Name);
        Assert.Equal("""{"in":true}""", description.Input);
        Assert.Null(description.StopDate);
        Assert.Null(description.Output);
    }

    [Fact]
    public async Task DescribeExecution_Succeeded_ReportsOutputAndStopDate()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.StepFunctions.Succeed(started.ExecutionArn, """{"out":42}""");

        var description = await Sfn.DescribeExecutionAsync(started.ExecutionArn);

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal("""{"out":42}""", description.Output);
        Assert.NotNull(description.StopDate);
    }

    [Fact]
    public async Task DescribeExecution_Failed_ReportsErrorAndCause()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.StepFunctions.Fail(started.ExecutionArn, "Custom.Error", "it broke");

        var description = await Sfn.DescribeExecutionAsync(started.ExecutionArn);

        Assert.Equal(ExecutionStatus.Failed, description.Status);
        Assert.Equal("Custom.Error", description.Error);
        Assert.Equal("it broke", description.Cause);
    }

    [Fact]
    public async Task DescribeExecution_TimedOut_ReportsTimedOut()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.StepFunctions.TimeOut(started.ExecutionArn);

        Assert.Equal(ExecutionStatus.TimedOut, (await Sfn.DescribeExecutionAsync(started.ExecutionArn)).Status);
    }

    [Fact]
    public async Task DescribeExecution_Unknown_ThrowsExecutionDoesNotExist()
    {
        var ex = await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => Sfn.DescribeExecutionAsync(
            $"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:nobody:never"));

        Assert.Contains("Execution Does Not Exist", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, CountRequests("states", "DescribeExecution"));
    }

    [Fact]
    public async Task DescribeExecution_MalformedArn_ThrowsInvalidArn()
        => await Assert.ThrowsAsync<InvalidArnException>(() => Sfn.DescribeExecutionAsync("not-an-arn"));

    [Fact]
    public async Task StopExecution_Running_AbortsWithErrorAndCause()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));

        var stopped = await Sfn.StopExecutionAsync(new StopExecutionRequest(started.ExecutionArn, "Parent.Stopped", "the parent was stopped"));

        var kept = Server.StepFunctions.Execution(started.ExecutionArn);
        Assert.Equal("ABORTED", kept.Status);
        Assert.Equal("Parent.Stopped", kept.Error);
        Assert.Equal(kept.StopDate!.Value.ToUnixTimeMilliseconds(), stopped.StopDate.ToUnixTimeMilliseconds());
        Assert.Equal(ExecutionStatus.Aborted, (await Sfn.DescribeExecutionAsync(started.ExecutionArn)).Status);
    }

    [Fact]
    public async Task StopExecution_Unknown_ThrowsExecutionDoesNotExist()
        => await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => Sfn.StopExecutionAsync(
            new StopExecutionRequest($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:nobody:never")));

    [Fact]
    public async Task StopExecution_MalformedArn_ThrowsInvalidArn()
        => await Assert.ThrowsAsync<InvalidArnException>(() => Sfn.StopExecutionAsync(new StopExecutionRequest("arn:nope")));

    [Fact]
    public async Task GetExecutionHistory_ClosedExecution_ReturnsStartAndEndEvents()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine(), "hist", """{"i":1}"""));
        Server.StepFunctions.Fail(started.ExecutionArn, "E", "C");

        var page = await Sfn.GetExecutionHistoryAsync(new GetExecutionHistoryRequest(started.ExecutionArn));

        Assert.Null(page.NextToken);
        Assert.Collection(page.Events,
            e =>
            {
                Assert.Equal((1L, null, "ExecutionStarted"), (e.Id, e.PreviousEventId, e.Type));
                Assert.Equal("executionStartedEventDetails", e.DetailsName);
                Assert.Equal("""{"i":1}""", e.Details!.Value.GetProperty("input").GetString());
            },
            e =>
            {
                Assert.Equal((2L, (long?)1, "ExecutionFailed"), (e.Id, e.PreviousEventId, e.Type));
                Assert.Equal("C", e.Details!.Value.GetProperty("cause").GetString());
            });
    }

    [Fact]
    public async Task GetExecutionHistory_PagedAndReversed_WalksEveryEvent()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.StepFunctions.Succeed(started.ExecutionArn, """{"o":1}""");

        var first = await Sfn.GetExecutionHistoryAsync(new GetExecutionHistoryRequest(started.ExecutionArn, MaxResults: 1, ReverseOrder: true, IncludeExecutionData: false));
        var second = await Sfn.GetExecutionHistoryAsync(new GetExecutionHistoryRequest(started.ExecutionArn, MaxResults: 1, NextToken: first.NextToken, ReverseOrder: true));

        Assert.NotNull(first.NextToken);
        Assert.Equal("ExecutionSucceeded", Assert.Single(first.Events).Type);
        Assert.False(first.Events[0].Details!.Value.TryGetProperty("output", out _));
        Assert.Equal("ExecutionStarted", Assert.Single(second.Events).Type);
        Assert.Null(second.NextToken);
    }

    [Fact]
    public async Task GetExecutionHistory_BadToken_ThrowsInvalidToken()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));

        await Assert.ThrowsAsync<InvalidTokenException>(() => Sfn.GetExecutionHistoryAsync(new GetExecutionHistoryRequest(started.ExecutionArn, NextToken: "bogus")));
    }

    [Fact]
    public async Task GetExecutionHistory_Unknown_ThrowsExecutionDoesNotExist()
        => await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => Sfn.GetExecutionHistoryAsync(
            new GetExecutionHistoryRequest($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:nobody:never")));

    [Fact]
    public async Task StartSyncExecution_ExpressMachine_ReturnsOutputFromSyncEndpoint()
    {
        var machine = Machine(StateMachineType.Express);

        var result = await Sfn.StartSyncExecutionAsync(new StartSyncExecutionRequest(machine, "sync-1", """{"echo":1}"""));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("""{"echo":1}""", result.Output);
        Assert.Equal(machine, result.StateMachineArn);
        Assert.Contains(":express:", result.ExecutionArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartSyncExecution_ExecutionFails_ReturnsFailedStatusNotException()
    {
        var machine = Machine(StateMachineType.Express);
        var previous = Server.StepFunctions.SyncBehavior;
        Server.StepFunctions.SyncBehavior = (_, _) => new SyncOutcome("FAILED", Error: "States.TaskFailed", Cause: "boom");
        try
        {
            var result = await Sfn.StartSyncExecutionAsync(new StartSyncExecutionRequest(machine));

            Assert.Equal(ExecutionStatus.Failed, result.Status);
            Assert.Equal("States.TaskFailed", result.Error);
            Assert.Equal("boom", result.Cause);
            Assert.Null(result.Output);
        }
        finally
        {
            Server.StepFunctions.SyncBehavior = previous;
        }
    }

    [Fact]
    public async Task StartSyncExecution_StandardMachine_ThrowsStateMachineTypeNotSupported()
        => await Assert.ThrowsAsync<StateMachineTypeNotSupportedException>(() => Sfn.StartSyncExecutionAsync(new StartSyncExecutionRequest(Machine())));

    [Fact]
    public async Task StartSyncExecution_UnknownMachine_ThrowsStateMachineDoesNotExist()
        => await Assert.ThrowsAsync<StateMachineDoesNotExistException>(() => Sfn.StartSyncExecutionAsync(
            new StartSyncExecutionRequest($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:stateMachine:nobody")));

    [Fact]
    public async Task StartSyncExecution_SentToMainEndpoint_IsRefused()
    {
        var sfn = Clients(Options() with { StepFunctionsSyncEndpoint = Server.StepFunctionsEndpoint }).StepFunctions;

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => sfn.StartSyncExecutionAsync(new StartSyncExecutionRequest(Machine(StateMachineType.Express))));

        Assert.Equal("UnknownOperationException", ex.ErrorCode);
        Assert.Contains("sync-", Assert.Single(Server.Rejections).Message, StringComparison.Ordinal);
        Server.ClearLog();
    }

    [Fact]
    public async Task AnyOperation_Cancelled_ThrowsOperationCanceledWithoutSending()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sfn.DescribeExecutionAsync("arn:aws:states:us-east-1:1:execution:a:b", cts.Token));

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task DescribeExecution_MalformedResponse_ThrowsParseExceptionNamingOperation()
    {
        var started = await Sfn.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.MalformedResponse);

        var ex = await Assert.ThrowsAsync<AwsResponseParseException>(() => Sfn.DescribeExecutionAsync(started.ExecutionArn));

        Assert.Equal("DescribeExecution", ex.Operation);
        Assert.Contains("DescribeExecution", ex.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(ex.InnerException, exactMatch: false);
        Assert.Equal(1, CountRequests("states", "DescribeExecution"));
    }
}
