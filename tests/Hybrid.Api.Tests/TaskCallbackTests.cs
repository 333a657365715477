using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests;

public sealed class TaskCallbackTests(ApiHost host) : ApiTestBase(host)
{
    private const string Success = nameof(IExecutionService.SendTaskSuccessAsync);
    private const string Failure = nameof(IExecutionService.SendTaskFailureAsync);
    private const string Heartbeat = nameof(IExecutionService.SendTaskHeartbeatAsync);

    [Fact]
    public async Task SendTaskSuccess_KnownToken_Answers200AndPassesTheOutputAsJson()
    {
        Fake.Expect(Success);
        Fake.AddTaskToken("tok-1");

        using var response = await Host.PostJsonAsync("api/tasks/success", """{"taskToken":"tok-1","output":{"ok":true,"n":[1,2]}}""");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Empty(body);
        var call = Assert.Single(Fake.Calls);
        Assert.Equal("tok-1", call.Arguments[0]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ok":true,"n":[1,2]}"""), (JsonNode?)call.Arguments[1]));
    }

    [Fact]
    public async Task SendTaskSuccess_NullOutput_IsAllowed()
    {
        Fake.Expect(Success);
        Fake.AddTaskToken("tok-null");

        using var response = await Host.PostJsonAsync("api/tasks/success", """{"taskToken":"tok-null","output":null}""");

        await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Null(Assert.Single(Fake.Calls).Arguments[1]);
    }

    [Fact]
    public async Task SendTaskFailure_KnownToken_Answers200AndPassesErrorAndCause()
    {
        Fake.Expect(Failure);
        Fake.AddTaskToken("tok-2");

        using var response = await Host.PostJsonAsync("api/tasks/failure", """{"taskToken":"tok-2","error":"Payment.Declined","cause":"Card expired."}""");

        await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["tok-2", "Payment.Declined", "Card expired."], Assert.Single(Fake.Calls).Arguments);
    }

    [Fact]
    public async Task SendTaskHeartbeat_KnownToken_Answers200()
    {
        Fake.Expect(Heartbeat);
        Fake.AddTaskToken("tok-3");

        using var response = await Host.PostJsonAsync("api/tasks/heartbeat", """{"taskToken":"tok-3"}""");

        await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["tok-3"], Assert.Single(Fake.Calls).Arguments);
    }

    [Theory]
    [InlineData("success", """{"taskToken":"gone","output":1}""")]
    [InlineData("failure", """{"taskToken":"gone"}""")]
    [InlineData("heartbeat", """{"taskToken":"gone"}""")]
    public async Task TaskCallback_UnknownToken_Answers404(string route, string body)
    {
        Fake.Expect(Success, Failure, Heartbeat);

        using var response = await Host.PostJsonAsync($"api/tasks/{route}", body);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "TaskDoesNotExist");
    }

    [Fact]
    public async Task TaskCallback_TokenTheServiceCallsMalformed_Answers400()
    {
        Fake.Expect(Heartbeat);

        using var response = await Host.PostJsonAsync("api/tasks/heartbeat", $$"""{"taskToken":"{{FakeExecutionService.InvalidToken}}"}""");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidToken");
    }

    [Theory]
    [InlineData("success", """{"output":1}""", "InvalidToken")]
    [InlineData("success", """{"taskToken":"","output":1}""", "InvalidToken")]
    [InlineData("success", """{"taskToken":7,"output":1}""", "InvalidToken")]
    [InlineData("success", """{"taskToken":"t"}""", "InvalidOutput")]
    [InlineData("success", """{"taskToken":"t","output":1,"extra":2}""", "ValidationException")]
    [InlineData("success", """{"taskToken":"t","output":1""", "ValidationException")]
    [InlineData("success", "", "ValidationException")]
    [InlineData("failure", """{"taskToken":"t","error":false}""", "ValidationException")]
    [InlineData("failure", "[]", "ValidationException")]
    [InlineData("heartbeat", "\"t\"", "ValidationException")]
    [InlineData("heartbeat", "{}", "InvalidToken")]
    public async Task TaskCallback_BadBody_Answers400WithoutCallingTheService(string route, string body, string code)
    {
        using var response = await Host.PostJsonAsync($"api/tasks/{route}", body);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task SendTaskSuccess_OutputOver256KiB_Answers400()
    {
        using var response = await Host.PostJsonAsync("api/tasks/success", $$"""{"taskToken":"t","output":"{{new string('o', 256 * 1024)}}"}""");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "ValidationException");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task TaskCallback_NonJsonContentType_Answers415()
    {
        using var response = await Host.PostJsonAsync("api/tasks/heartbeat", "taskToken=t", "application/x-www-form-urlencoded");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        Assert.Empty(Fake.Calls);
    }
}
