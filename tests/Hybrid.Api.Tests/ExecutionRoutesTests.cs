using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests;

public sealed class ExecutionRoutesTests(ApiHost host) : ApiTestBase(host)
{
    private const string Describe = nameof(IExecutionService.DescribeAsync);
    private const string History = nameof(IExecutionService.GetHistoryAsync);
    private const string Stop = nameof(IExecutionService.StopAsync);
    private const string List = nameof(IExecutionService.ListAsync);

    private static readonly DateTimeOffset T0 = FakeExecutionService.Epoch;

    [Fact]
    public async Task DescribeExecution_Known_AnswersCamelCaseWithInputAndOutputAsJson()
    {
        Fake.Expect(Describe);
        Fake.AddExecution(new ExecutionDescription("hello:done", "done", "hello", ExecutionStatus.Failed, T0, T0.AddSeconds(5),
            JsonNode.Parse("""{"n":1}"""), JsonNode.Parse("""["x",2]"""), "Order.Failed", "It broke.", "Abort", "alice"));

        using var response = await Client.GetAsync("api/executions/hello%3Adone");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("hello:done", (string?)body["executionId"]);
        Assert.Equal("done", (string?)body["name"]);
        Assert.Equal("hello", (string?)body["workflow"]);
        Assert.Equal("FAILED", (string?)body["status"]);
        Assert.Equal(T0, body["startDate"]!.GetValue<DateTimeOffset>());
        Assert.Equal(T0.AddSeconds(5), body["stopDate"]!.GetValue<DateTimeOffset>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n":1}"""), body["input"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["x",2]"""), body["output"]));
        Assert.Equal("Order.Failed", (string?)body["error"]);
        Assert.Equal("It broke.", (string?)body["cause"]);
        Assert.Equal("Abort", (string?)body["currentState"]);
        Assert.Equal("alice", (string?)body["subject"]);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task DescribeExecution_Unknown_Answers404()
    {
        Fake.Expect(Describe);

        using var response = await Client.GetAsync("api/executions/nope");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "ExecutionDoesNotExist");
        Assert.Contains("nope", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetExecutionHistory_Known_AnswersStepFunctionsEvents()
    {
        Fake.Expect(Describe, History);
        Fake.AddExecution(Running("hello:h"), [
            new HistoryEvent(1, 0, T0, "ExecutionStarted", new JsonObject { ["executionStartedEventDetails"] = new JsonObject { ["input"] = "{}" } }),
            new HistoryEvent(2, 1, T0.AddSeconds(1), "PassStateEntered", new JsonObject { ["stateEnteredEventDetails"] = new JsonObject { ["name"] = "Greet", ["input"] = "{}" } }),
            new HistoryEvent(3, 2, T0.AddSeconds(2), "ParallelStateStarted", null),
        ]);

        using var response = await Client.GetAsync("api/executions/hello%3Ah/history");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("hello:h", (string?)body["executionId"]);
        var events = Assert.IsType<JsonArray>(body["events"]);
        Assert.Equal(3, events.Count);
        var entered = events[1]!;
        Assert.Equal(2, (long?)entered["id"]);
        Assert.Equal(1, (long?)entered["previousEventId"]);
        Assert.Equal(T0.AddSeconds(1), entered["timestamp"]!.GetValue<DateTimeOffset>());
        Assert.Equal("PassStateEntered", (string?)entered["type"]);
        Assert.Equal("Greet", (string?)entered["stateEnteredEventDetails"]!["name"]);
        Assert.Equal("{}", (string?)entered["stateEnteredEventDetails"]!["input"]);
        Assert.Equal(["id", "previousEventId", "timestamp", "type"], events[2]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task GetExecutionHistory_Unknown_Answers404WithoutReadingHistory()
    {
        Fake.Expect(Describe);

        using var response = await Client.GetAsync("api/executions/nope/history");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "ExecutionDoesNotExist");
    }

    [Fact]
    public async Task StopExecution_NoBody_Answers200WithTheAbortedDescription()
    {
        Fake.Expect(Describe, Stop);
        Fake.AddExecution(Running("hello:s"));

        using var response = await Host.PostJsonAsync("api/executions/hello%3As/stop", null);

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("ABORTED", (string?)body["status"]);
        Assert.NotNull(body["stopDate"]);
        var stop = Assert.Single(Fake.Calls, c => c.Operation == Stop);
        Assert.Equal(["hello:s", null, null], stop.Arguments);
    }

    [Fact]
    public async Task StopExecution_ErrorAndCause_PassesThem()
    {
        Fake.Expect(Describe, Stop);
        Fake.AddExecution(Running("hello:s2"));

        using var response = await Host.PostJsonAsync("api/executions/hello%3As2/stop", """{"error":"Operator.Stop","cause":"Changed my mind."}""");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("Operator.Stop", (string?)body["error"]);
        Assert.Equal("Changed my mind.", (string?)body["cause"]);
        Assert.Equal(["hello:s2", "Operator.Stop", "Changed my mind."], Assert.Single(Fake.Calls, c => c.Operation == Stop).Arguments);
    }

    [Fact]
    public async Task StopExecution_Unknown_Answers404()
    {
        Fake.Expect(Describe);

        using var response = await Host.PostJsonAsync("api/executions/nope/stop", null);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "ExecutionDoesNotExist");
    }

    [Theory]
    [InlineData("""{"error": 5}""")]
    [InlineData("""{"cause": {"a":1}}""")]
    [InlineData("""{"reason": "x"}""")]
    [InlineData("""["error"]""")]
    [InlineData("""{"error": "x",""")]
    public async Task StopExecution_BadBody_Answers400WithoutStopping(string body)
    {
        Fake.Expect(Describe);
        Fake.AddExecution(Running("hello:s3"));

        using var response = await Host.PostJsonAsync("api/executions/hello%3As3/stop", body);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "ValidationException");
    }

    [Fact]
    public async Task StopExecution_ErrorTooLong_Answers400()
    {
        Fake.Expect(Describe);
        Fake.AddExecution(Running("hello:s4"));

        using var response = await Host.PostJsonAsync("api/executions/hello%3As4/stop", $$"""{"error":"{{new string('e', 257)}}"}""");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "ValidationException");
        Assert.Contains("256", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopExecution_NonJsonBody_Answers415()
    {
        Fake.Expect(Describe);
        Fake.AddExecution(Running("hello:s5"));

        using var response = await Host.PostJsonAsync("api/executions/hello%3As5/stop", "error=x", "application/x-www-form-urlencoded");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task ListExecutions_FilteredByWorkflowAndStatus_AnswersTheMatchingSummaries()
    {
        Fake.Expect(List);
        Fake.AddExecution(Running("hello:a"));
        Fake.AddExecution(Running("hello:b") with { Status = ExecutionStatus.Succeeded, StopDate = T0.AddMinutes(1) });
        Fake.AddExecution(Running("orders:c") with { Workflow = "orders" });

        using var response = await Client.GetAsync("api/executions?workflow=hello&status=running");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        var item = Assert.Single(Assert.IsType<JsonArray>(body["executions"]))!;
        Assert.Equal("hello:a", (string?)item["executionId"]);
        Assert.Equal("a", (string?)item["name"]);
        Assert.Equal("hello", (string?)item["workflow"]);
        Assert.Equal("RUNNING", (string?)item["status"]);
        Assert.EndsWith("/api/executions/hello%3Aa", (string?)item["statusUrl"], StringComparison.Ordinal);
        Assert.Null(item["input"]);
        Assert.Null(body["continuationToken"]);
        Assert.Equal(["hello", "RUNNING", 100, null], Assert.Single(Fake.Calls).Arguments);
    }

    [Fact]
    public async Task ListExecutions_Paged_FollowsTheContinuationToken()
    {
        Fake.Expect(List);
        for (var i = 0; i < 3; i++)
        {
            Fake.AddExecution(Running($"hello:p{i}") with { StartDate = T0.AddMinutes(i) });
        }

        using var first = await Client.GetAsync("api/executions?pageSize=2");
        var firstBody = await ApiHost.ReadJsonAsync(first, HttpStatusCode.OK);
        var token = (string?)firstBody["continuationToken"];
        using var second = await Client.GetAsync($"api/executions?pageSize=2&continuationToken={Uri.EscapeDataString(token!)}");
        var secondBody = await ApiHost.ReadJsonAsync(second, HttpStatusCode.OK);

        Assert.Equal(["hello:p2", "hello:p1"], firstBody["executions"]!.AsArray().Select(e => (string?)e!["executionId"]));
        Assert.Equal(["hello:p0"], secondBody["executions"]!.AsArray().Select(e => (string?)e!["executionId"]));
        Assert.Null(secondBody["continuationToken"]);
    }

    [Theory]
    [InlineData("status=DONE", "ValidationException")]
    [InlineData("status=", "ValidationException")]
    [InlineData("pageSize=0", "ValidationException")]
    [InlineData("pageSize=1001", "ValidationException")]
    [InlineData("pageSize=ten", "ValidationException")]
    [InlineData("pageSize=-1", "ValidationException")]
    [InlineData("status=RUNNING&status=FAILED", "ValidationException")]
    [InlineData("continuationToken=", "InvalidToken")]
    public async Task ListExecutions_BadFilter_Answers400WithoutListing(string query, string code)
    {
        using var response = await Client.GetAsync($"api/executions?{query}");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task ListExecutions_TokenTheServiceRefuses_Answers400()
    {
        Fake.Expect(List);

        using var response = await Client.GetAsync("api/executions?continuationToken=forged");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidToken");
    }

    [Fact]
    public async Task ListExecutions_UnknownWorkflow_Answers404()
    {
        using var response = await Client.GetAsync("api/executions?workflow=nope");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "StateMachineDoesNotExist");
    }

    private static ExecutionDescription Running(string id) =>
        new(id, id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..], id[..id.IndexOf(':', StringComparison.Ordinal)], ExecutionStatus.Running, T0, null, new JsonObject(), null, null, null, null, null);
}
