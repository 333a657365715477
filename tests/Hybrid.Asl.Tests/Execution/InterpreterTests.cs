using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;

namespace Hybrid.Asl.Tests.Execution;

public sealed class InterpreterTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<(ExecutionResult Result, ExecutionHistory History)> RunAsync(
        string definition, string input = "{}", TaskHandlerRegistry? handlers = null, MockedTaskResponses? mocks = null, ulong seed = 1)
    {
        var parsed = DefinitionParser.Parse(definition);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        var history = new ExecutionHistory();
        var options = new DirectRunOptions { WaitMode = WaitMode.Skip, Entropy = new SeededEntropy(seed), Mocks = mocks };
        var inputNode = JsonNode.Parse(input);
        var result = await new DirectRunner(handlers).RunAsync(parsed.StateMachine!, inputNode, options, ExecutionInfo.Local("M", "e", Start, inputNode), history);
        return (result, history);
    }

    private static MockedTaskResponses Mocks(string state, string responses) =>
        new(new Dictionary<string, IReadOnlyList<MockedResponse>> { [state] = MockConfig.ParseResponses(JsonNode.Parse(responses), state) });

    [Fact]
    public async Task Retry_BackoffAndMaxDelay_WaitExactIntervalsOnTheClock()
    {
        var (result, history) = await RunAsync(
            """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":4,"MaxDelaySeconds":10}]}}}""",
            mocks: Mocks("T", """{"0-3":{"Throw":{"Error":"E","Cause":"c"}},"4":{"Return":{"ok":true}}}"""));

        Assert.Equal("SUCCEEDED", result.Status);
        var scheduled = history.Events.Where(e => e.Type == "TaskScheduled").Select(e => (e.Timestamp - Start).TotalSeconds).ToList();
        // 2, 2*3=6, min(18,10)=10, min(54,10)=10 seconds between attempts.
        Assert.Equal(new double[] { 0, 2, 8, 18, 28 }, scheduled);
    }

    [Fact]
    public async Task Retry_FullJitter_WaitsNoMoreThanTheComputedInterval()
    {
        var (result, history) = await RunAsync(
            """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10,"MaxAttempts":1,"JitterStrategy":"FULL"}]}}}""",
            mocks: Mocks("T", """{"0":{"Throw":{"Error":"E"}},"1":{"Return":1}}"""));

        Assert.Equal("SUCCEEDED", result.Status);
        var times = history.Events.Where(e => e.Type == "TaskScheduled").Select(e => e.Timestamp).ToList();
        var waited = times[1] - times[0];
        Assert.InRange(waited, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Retry_RetriersCountSeparately_AndExhaustedErrorGoesToCatch()
    {
        var (result, _) = await RunAsync(
            """
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"arn:x","Next":"Done",
                   "Retry":[{"ErrorEquals":["A"],"MaxAttempts":1},{"ErrorEquals":["B"],"MaxAttempts":1}],
                   "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Caught"}]},
              "Caught":{"Type":"Pass","End":true},
              "Done":{"Type":"Succeed"}}}
            """,
            input: """{"keep":1}""",
            mocks: Mocks("T", """{"0":{"Throw":{"Error":"A","Cause":"a"}},"1":{"Throw":{"Error":"B","Cause":"b"}},"2":{"Throw":{"Error":"B","Cause":"b2"}}}"""));

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.True(AslJson.DeepEquals(JsonNode.Parse("""{"keep":1,"err":{"Error":"B","Cause":"b2"}}"""), result.Output), result.Output?.ToJsonString());
    }

    [Fact]
    public async Task StatesAll_DoesNotCatchStatesRuntime()
    {
        var (result, _) = await RunAsync(
            """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","InputPath":"$.missing","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}]},"C":{"Type":"Succeed"}}}""");

        Assert.Equal("FAILED", result.Status);
        Assert.Equal(ErrorNames.Runtime, result.Error);
    }

    [Fact]
    public async Task ExecutionTimeout_DuringWait_TimesOut()
    {
        var (result, history) = await RunAsync("""{"StartAt":"W","TimeoutSeconds":5,"States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}""");

        Assert.Equal("TIMED_OUT", result.Status);
        Assert.Equal(ErrorNames.Timeout, result.Error);
        Assert.Equal("ExecutionTimedOut", history.Events[^1].Type);
        Assert.Equal(Start.AddSeconds(5), history.Events[^1].Timestamp);
    }

    [Fact]
    public async Task TaskTimeout_HandlerTooSlow_RaisesStatesTimeout()
    {
        var handlers = new TaskHandlerRegistry().Register("arn:slow", async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(5), ct);
            return null;
        });
        var parsed = DefinitionParser.Parse("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:slow","TimeoutSeconds":1,"End":true,"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"C"}]},"C":{"Type":"Pass","End":true}}}""");

        var result = await new DirectRunner(handlers).RunAsync(parsed.StateMachine!, new JsonObject());

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.Equal(ErrorNames.Timeout, result.Output!["Error"]!.GetValue<string>());
    }

    [Fact]
    public async Task PayloadOver256KiB_RaisesDataLimitExceeded()
    {
        var big = new string('x', 300 * 1024);
        var definition = new JsonObject
        {
            ["StartAt"] = "P",
            ["States"] = new JsonObject { ["P"] = new JsonObject { ["Type"] = "Pass", ["Result"] = big, ["End"] = true } },
        };
        var (result, _) = await RunAsync(definition.ToJsonString());

        Assert.Equal("FAILED", result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, result.Error);
    }

    [Fact]
    public async Task Map_MaxConcurrency_IsHonoured()
    {
        var running = 0;
        var peak = 0;
        var handlers = new TaskHandlerRegistry().Register("arn:work", async (invocation, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            await Task.Delay(5, ct);
            Interlocked.Decrement(ref running);
            return invocation.Input;
        });
        var parsed = DefinitionParser.Parse("""{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:work","End":true}}},"End":true}}}""");

        var result = await new DirectRunner(handlers).RunAsync(parsed.StateMachine!, new JsonArray(1, 2, 3, 4, 5, 6, 7, 8), new DirectRunOptions { WaitMode = WaitMode.Skip });

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.True(AslJson.DeepEquals(new JsonArray(1, 2, 3, 4, 5, 6, 7, 8), result.Output));
        Assert.InRange(peak, 1, 2);
    }

    [Fact]
    public async Task History_RecordsStepFunctionsEventTypesWithLinkedIds()
    {
        var (_, history) = await RunAsync(
            """{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"T"},"T":{"Type":"Task","Resource":"arn:x","End":true}}}""",
            mocks: Mocks("T", """{"0":{"Return":{"r":1}}}"""));

        Assert.Equal(
            ["ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"],
            history.Events.Select(e => e.Type));
        Assert.All(history.Events, e => Assert.Equal(e.Id - 1, e.PreviousEventId));
        Assert.Equal("""{"r":1}""", history.Events[^1].Details!["executionSucceededEventDetails"]!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownResource_FailsWithAnActionableRuntimeError()
    {
        var (result, _) = await RunAsync("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:nope","End":true}}}""");

        Assert.Equal("FAILED", result.Status);
        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Contains("No task handler is registered", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForTaskToken_ExposesATokenInTheContextObject()
    {
        var handlers = new TaskHandlerRegistry().Register("arn:aws:states:::sqs:sendMessage.waitForTaskToken", x => x);
        var (result, _) = await RunAsync(
            """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}""",
            handlers: handlers);

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.Equal(32, result.Output!["token"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Credentials_TemplateIsEvaluatedAndHandedToTheTask()
    {
        JsonNode? seen = null;
        var handlers = new TaskHandlerRegistry().Register("arn:x", (invocation, _) =>
        {
            seen = invocation.Credentials;
            return ValueTask.FromResult<JsonNode?>(null);
        });
        var (result, _) = await RunAsync(
            """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","Credentials":{"RoleArn.$":"$.role"},"End":true}}}""",
            input: """{"role":"arn:aws:iam::123456789012:role/r"}""",
            handlers: handlers);

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.Equal("""{"RoleArn":"arn:aws:iam::123456789012:role/r"}""", seen!.ToJsonString());
    }

    [Fact]
    public async Task SameSeed_GivesTheSameUuids()
    {
        const string definition = """{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"States.UUID()","n.$":"States.MathRandom(1, 1000000)"},"End":true}}}""";

        var first = await RunAsync(definition, seed: 99);
        var second = await RunAsync(definition, seed: 99);
        var other = await RunAsync(definition, seed: 100);

        Assert.True(AslJson.DeepEquals(first.Result.Output, second.Result.Output));
        Assert.False(AslJson.DeepEquals(first.Result.Output, other.Result.Output));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
