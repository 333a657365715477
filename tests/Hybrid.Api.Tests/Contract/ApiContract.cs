using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests.Contract;

/// <summary>A request to one front door, with what the fake and the authorizer hold before it.</summary>
/// <param name="Name">The case's name in test output.</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Path">The path and query below the server's root, escaped, such as <c>api/executions/hello%3Aa</c>.</param>
/// <param name="Body">The JSON body, or null for none.</param>
/// <param name="Status">The status every front door must answer.</param>
/// <param name="Code">The problem's <c>code</c> for an error, or null for a success.</param>
/// <param name="Operations">The execution service operations the case may call.</param>
/// <param name="Arrange">What the fake and the authorizer hold first.</param>
/// <param name="Fields">Expected values in the JSON body, by JSON pointer; <c>{base}</c> stands for the server's root URL.</param>
/// <param name="Location">The expected Location header, with <c>{base}</c>.</param>
/// <param name="Challenge">The expected WWW-Authenticate header.</param>
public sealed record ApiContractCase(
    string Name,
    string Method,
    string Path,
    string? Body,
    int Status,
    string? Code,
    string[] Operations,
    Action<FakeExecutionService, TestAuthorizer>? Arrange = null,
    IReadOnlyDictionary<string, string>? Fields = null,
    string? Location = null,
    string? Challenge = null)
{
    public override string ToString() => Name;
}

/// <summary>What a front door answered, as the contract sees it.</summary>
public sealed record ApiContractAnswer(int Status, string? MediaType, JsonNode? Body, string? Location, string? Challenge);

/// <summary>
/// The contract cases every front door (the local host's routes and the Functions app's HTTP triggers) must answer
/// alike: success, 400, 401, 403, 404, 409 and 503 across the routes. Both test projects run this one table.
/// </summary>
public static class ApiContract
{
    private const string Describe = nameof(IExecutionService.DescribeAsync);
    private const string Start = nameof(IExecutionService.StartAsync);

    private static readonly DateTimeOffset T0 = FakeExecutionService.Epoch;

    public static IReadOnlyList<ApiContractCase> Cases { get; } =
    [
        new("list workflows", "GET", "api/workflows", null, 200, null, [],
            Fields: new Dictionary<string, string> { ["/workflows/0/name"] = "hello", ["/workflows/0/url"] = "{base}/api/workflows/hello" }),
        new("describe workflow", "GET", "api/workflows/hello", null, 200, null, [],
            Fields: new Dictionary<string, string> { ["/name"] = "hello", ["/definition/StartAt"] = "Greet" }),
        new("describe unknown workflow", "GET", "api/workflows/nope", null, 404, "StateMachineDoesNotExist", []),
        new("start", "POST", "api/workflows/hello/executions?name=a", """{"n":1}""", 202, null, [Start],
            Fields: new Dictionary<string, string> { ["/executionId"] = "hello:a", ["/statusUrl"] = "{base}/api/executions/hello%3Aa" },
            Location: "{base}/api/executions/hello%3Aa"),
        new("start repeated with the same input", "POST", "api/workflows/hello/executions?name=a", """{"n":1}""", 200, null, [Start],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", """{"n":1}""")),
            Location: "{base}/api/executions/hello%3Aa"),
        new("start with another input", "POST", "api/workflows/hello/executions?name=a", """{"n":2}""", 409, "ExecutionAlreadyExists", [Start],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", """{"n":1}"""))),
        new("start with a bad name", "POST", "api/workflows/hello/executions?name=a%20b", "{}", 400, "InvalidName", []),
        new("start with broken JSON", "POST", "api/workflows/hello/executions", "{", 400, "InvalidExecutionInput", []),
        new("start unknown workflow", "POST", "api/workflows/nope/executions", "{}", 404, "StateMachineDoesNotExist", []),
        new("start unauthenticated", "POST", "api/workflows/hello/executions", "{}", 401, "UnrecognizedClient", [],
            Arrange: (_, authorizer) => authorizer.Decide = _ => HybridApiAuthorization.Unauthenticated("A bearer token is required.", "Bearer realm=\"hybrid\""),
            Challenge: "Bearer realm=\"hybrid\""),
        new("start forbidden", "POST", "api/workflows/hello/executions", "{}", 403, "AccessDenied", [],
            Arrange: (_, authorizer) => authorizer.Decide = _ => HybridApiAuthorization.Forbidden("Not in the group.")),
        new("list executions", "GET", "api/executions?workflow=hello", null, 200, null, [nameof(IExecutionService.ListAsync)],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", "{}")),
            Fields: new Dictionary<string, string> { ["/executions/0/executionId"] = "hello:a", ["/executions/0/statusUrl"] = "{base}/api/executions/hello%3Aa" }),
        new("list executions with a bad status", "GET", "api/executions?status=DONE", null, 400, "ValidationException", []),
        new("describe execution", "GET", "api/executions/hello%3Aa", null, 200, null, [Describe],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", """{"n":1}""")),
            Fields: new Dictionary<string, string> { ["/status"] = "RUNNING", ["/input/n"] = "1" }),
        new("describe unknown execution", "GET", "api/executions/hello%3Anope", null, 404, "ExecutionDoesNotExist", [Describe]),
        new("describe execution forbidden", "GET", "api/executions/hello%3Aa", null, 403, "AccessDenied", [Describe],
            Arrange: (fake, authorizer) =>
            {
                fake.AddExecution(Running("hello:a", "{}"));
                authorizer.Decide = r => r.Workflow == "hello" ? HybridApiAuthorization.Forbidden("Not yours.") : HybridApiAuthorization.Allow();
            }),
        new("history", "GET", "api/executions/hello%3Aa/history", null, 200, null, [Describe, nameof(IExecutionService.GetHistoryAsync)],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", "{}"), [new HistoryEvent(1, 0, T0, "ExecutionStarted", null)]),
            Fields: new Dictionary<string, string> { ["/executionId"] = "hello:a", ["/events/0/type"] = "ExecutionStarted" }),
        new("history of an unknown execution", "GET", "api/executions/hello%3Anope/history", null, 404, "ExecutionDoesNotExist", [Describe]),
        new("stop", "POST", "api/executions/hello%3Aa/stop", """{"error":"Ops.Stop"}""", 200, null, [Describe, nameof(IExecutionService.StopAsync)],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", "{}")),
            Fields: new Dictionary<string, string> { ["/status"] = "ABORTED", ["/error"] = "Ops.Stop" }),
        new("stop with an unknown field", "POST", "api/executions/hello%3Aa/stop", """{"reason":"x"}""", 400, "ValidationException", [Describe],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", "{}"))),
        new("stop unauthenticated", "POST", "api/executions/hello%3Aa/stop", "{}", 401, "UnrecognizedClient", [Describe],
            Arrange: (fake, authorizer) =>
            {
                fake.AddExecution(Running("hello:a", "{}"));
                authorizer.Decide = _ => HybridApiAuthorization.Unauthenticated("The token expired.", "Bearer error=\"invalid_token\"");
            },
            Challenge: "Bearer error=\"invalid_token\""),
        new("task success", "POST", "api/tasks/success", """{"taskToken":"t-1","output":{"ok":true}}""", 200, null, [nameof(IExecutionService.SendTaskSuccessAsync)],
            Arrange: (fake, _) => fake.AddTaskToken("t-1")),
        new("task success without output", "POST", "api/tasks/success", """{"taskToken":"t-1"}""", 400, "InvalidOutput", []),
        new("task failure for an unknown token", "POST", "api/tasks/failure", """{"taskToken":"t-9","error":"E"}""", 404, "TaskDoesNotExist", [nameof(IExecutionService.SendTaskFailureAsync)]),
        new("heartbeat with an invalid token", "POST", "api/tasks/heartbeat", $$"""{"taskToken":"{{FakeExecutionService.InvalidToken}}"}""", 400, "InvalidToken", [nameof(IExecutionService.SendTaskHeartbeatAsync)]),
        new("fresh token", "POST", "api/executions/hello%3Aa/token", null, 202, null, [Describe, nameof(IExecutionService.SubmitTokenAsync)],
            Arrange: (fake, authorizer) =>
            {
                fake.AddExecution(Running("hello:a", "{}"));
                authorizer.Decide = _ => HybridApiAuthorization.Allow(new Caller("alice", "cli", "https://ping.example", [], []) { Token = "fresh" });
            },
            Fields: new Dictionary<string, string> { ["/executionId"] = "hello:a", ["/subject"] = "alice" },
            Location: "{base}/api/executions/hello%3Aa"),
        new("fresh token on a host that checks none", "POST", "api/executions/hello%3Aa/token", null, 400, "InvalidToken", [Describe],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", "{}"))),
        new("audit", "GET", "api/executions/hello%3Aa/audit", null, 200, null, [Describe],
            Arrange: (fake, _) => fake.AddExecution(Running("hello:a", "{}")),
            Fields: new Dictionary<string, string> { ["/executionId"] = "hello:a", ["/entries"] = "[]" }),
        new("audit of an unknown execution", "GET", "api/executions/hello%3Anope/audit", null, 404, "ExecutionDoesNotExist", [Describe]),
        new("audit while the identity provider is down", "GET", "api/executions/hello%3Aa/audit", null, 503, "Hybrid.IdentityUnavailable", [Describe],
            Arrange: (_, authorizer) => authorizer.Decide = _ => HybridApiAuthorization.Unavailable("The identity provider could not be reached.", "Hybrid.IdentityUnavailable")),
        new("heartbeat forbidden", "POST", "api/tasks/heartbeat", """{"taskToken":"t-1"}""", 403, "AccessDenied", [],
            Arrange: (_, authorizer) => authorizer.Decide = _ => HybridApiAuthorization.Forbidden("Callbacks are for the bridge.")),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.Name)];

    public static ApiContractCase Find(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Resets the fake and the authorizer and arranges the case.</summary>
    public static void Arrange(ApiContractCase contractCase, FakeExecutionService fake, TestAuthorizer authorizer)
    {
        ArgumentNullException.ThrowIfNull(contractCase);
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(authorizer);
        fake.Reset();
        authorizer.Reset();
        fake.Expect(contractCase.Operations);
        contractCase.Arrange?.Invoke(fake, authorizer);
    }

    /// <summary>Checks an answer against the case, with <c>{base}</c> read as <paramref name="baseUrl"/>.</summary>
    public static void AssertAnswer(ApiContractCase contractCase, ApiContractAnswer answer, string baseUrl, FakeExecutionService fake)
    {
        ArgumentNullException.ThrowIfNull(contractCase);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(fake);
        Assert.True(contractCase.Status == answer.Status, $"{contractCase.Name}: expected {contractCase.Status}, got {answer.Status}: {answer.Body?.ToJsonString()}");
        Assert.Empty(fake.Unexpected);
        if (contractCase.Code is { } code)
        {
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.Equal(code, (string?)answer.Body?["code"]);
            Assert.Equal(contractCase.Status, (int?)answer.Body?["status"]);
            Assert.False(string.IsNullOrEmpty((string?)answer.Body?["detail"]));
        }
        else
        {
            Assert.Equal("application/json", answer.MediaType);
            Assert.NotNull(answer.Body);
        }

        foreach (var (pointer, expected) in contractCase.Fields ?? new Dictionary<string, string>())
        {
            Assert.Equal(expected.Replace("{base}", baseUrl, StringComparison.Ordinal), Text(At(answer.Body, pointer)));
        }

        Assert.Equal(contractCase.Location?.Replace("{base}", baseUrl, StringComparison.Ordinal), answer.Location);
        Assert.Equal(contractCase.Challenge, answer.Challenge);
    }

    private static ExecutionDescription Running(string id, string input)
    {
        var name = id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return new ExecutionDescription(id, name, id[..id.IndexOf(':', StringComparison.Ordinal)], ExecutionStatus.Running, T0, null, JsonNode.Parse(input), null, null, null, null, null);
    }

    private static JsonNode? At(JsonNode? node, string pointer)
    {
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
}
