using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>The compact forms of the messages' history events and JSON object fields, and the older forms they still read.</summary>
public sealed class MessageConvertersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly StoredEvent[] Events =
    [
        new("five:a@0", 4, T0, "TaskSucceeded", """{"taskSucceededEventDetails":{"output":"{\"n\":1}"}}"""),
        new("five:a@0", 5, T0, "TaskStateExited", null),
        new("five:a~0.0@0", 0, T0.AddSeconds(1), "PassStateEntered", """{"stateEnteredEventDetails":{"name":"B","input":"\"é\u2028\""}}"""),
        new("five:a~0.1@0", 0, T0, "PassStateEntered", """{"stateEnteredEventDetails":{"name":"C","input":"null"}}"""),
        new("five:a@0", 6, T0.ToOffset(TimeSpan.FromHours(2)), "TaskStateEntered", "{}"),
    ];

    [Fact]
    public void HistoryEvents_RoundTripExactly_WritingInstanceAndTimeOnlyWhereTheyDiffer()
    {
        var batch = new HistoryBatch("five:a", Events);

        var json = JsonSerializer.Serialize(batch, Web);
        var back = JsonSerializer.Deserialize<HistoryBatch>(json, Web)!;

        Assert.Equal(Events, back.Events);
        Assert.Equal(T0.ToOffset(TimeSpan.FromHours(2)).Offset, back.Events[4].Timestamp.Offset);
        var events = JsonNode.Parse(json)!["events"]!;
        Assert.Equal("five:a@0", events["Instance"]!.GetValue<string>());
        Assert.Equal(3, events["Events"]![0]!.AsArray().Count);
        Assert.Equal(3, events["Events"]![1]!.AsArray().Count);
        Assert.Equal(5, events["Events"]![2]!.AsArray().Count);
        Assert.Equal(4, events["Events"]![3]!.AsArray().Count);

        // Details travel as JSON objects, not as escaped strings.
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.GetProperty("events").GetProperty("Events")[0][2].ValueKind);
    }

    [Fact]
    public void HistoryEvents_EmptyAndNull_RoundTrip()
    {
        var empty = JsonSerializer.Deserialize<HistoryBatch>(JsonSerializer.Serialize(new HistoryBatch("x", []), Web), Web)!;
        var none = JsonSerializer.Deserialize<RunOutcome>(JsonSerializer.Serialize(new RunOutcome("SUCCEEDED", "1", null, null, null), Web), Web)!;

        Assert.Empty(empty.Events);
        Assert.Null(none.PendingEvents);
    }

    [Fact]
    public void HistoryEvents_InTheOlderForm_AnArrayOfObjects_StillRead()
    {
        var older = """
            {"executionId":"five:a","events":[
              {"instance":"five:a@0","sequence":4,"timestamp":"2026-11-29T02:00:00+00:00","type":"TaskSucceeded","details":"{\"taskSucceededEventDetails\":{\"output\":\"{\\\"n\\\":1}\"}}"},
              {"instance":"five:a@0","sequence":5,"timestamp":"2026-11-29T02:00:00+00:00","type":"TaskStateExited","details":null}]}
            """;

        var batch = JsonSerializer.Deserialize<HistoryBatch>(older, Web)!;

        Assert.Equal(Events[..2], batch.Events);
    }

    [Theory]
    [InlineData("""{"events":{"Instance":"i","Timestamp":"2026-11-29T02:00:00+00:00","Events":[[1]]}}""")]
    [InlineData("""{"events":{"Events":[[1,"T",null]]}}""")]
    [InlineData("""{"events":"not events"}""")]
    [InlineData("""{"events":{"Instance":"i","Timestamp":"2026-11-29T02:00:00+00:00","Events":[[1,"T",[]]]}}""")]
    public void HistoryEvents_Malformed_AreRefused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<HistoryBatch>(json, Web));
    }

    [Fact]
    public void ObjectFields_TravelAsObjects_AndReadTheirOlderStringForm()
    {
        var request = new DispatchRequest("five:a", "five", "S1", "arn:hybrid:x", """{"n":0}""", 0, null, null, """{"State":{"Name":"S1"}}""", null, null, null);

        var json = JsonSerializer.Serialize(request, Web);
        var back = JsonSerializer.Deserialize<DispatchRequest>(json, Web)!;
        var older = JsonSerializer.Deserialize<DispatchRequest>(json.Replace("""{"State":{"Name":"S1"}}""", "\"{\\\"State\\\":{\\\"Name\\\":\\\"S1\\\"}}\"", StringComparison.Ordinal), Web)!;

        Assert.Equal("""{"State":{"Name":"S1"}}""", back.Context);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.GetProperty("context").ValueKind);
        Assert.Equal(back.Context, older.Context);
        Assert.Null(JsonSerializer.Deserialize<DispatchRequest>(JsonSerializer.Serialize(request with { Context = null }, Web), Web)!.Context);
        Assert.Equal("null", JsonSerializer.Deserialize<DispatchRequest>(JsonSerializer.Serialize(request with { Context = "null" }, Web), Web)!.Context);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<DispatchRequest>(json.Replace("""{"State":{"Name":"S1"}}""", "[1]", StringComparison.Ordinal), Web));
    }

    [Fact]
    public void DispatchMessages_LeaveOutNullAndDefaultFields_AndReadTheirOlderFullForm()
    {
        var request = new DispatchRequest("five:a", "five", "S1", "arn:hybrid:x", """{"n":0}""", 0, null, null, null, null, null, null);
        var result = new DispatchResult("""{"n":1}""", null, null);
        var sdk = new JsonSerializerOptions { IncludeFields = true };

        var requestJson = JsonSerializer.Serialize(request, sdk);
        var resultJson = JsonSerializer.Serialize(result, sdk);

        Assert.Equal("""{"ExecutionId":"five:a","Workflow":"five","StateName":"S1","Resource":"arn:hybrid:x","Input":"{\u0022n\u0022:0}"}""", requestJson);
        Assert.Equal("""{"Output":"{\u0022n\u0022:1}"}""", resultJson);
        Assert.Equal(request, JsonSerializer.Deserialize<DispatchRequest>(requestJson, sdk));
        Assert.Equal(result, JsonSerializer.Deserialize<DispatchResult>(resultJson, sdk));

        // The form written before: every field, nulls and false included.
        var olderRequest = """
            {"ExecutionId":"five:a","Workflow":"five","StateName":"S1","Resource":"arn:hybrid:x","Input":"{\"n\":0}","Attempt":0,"TimeoutSeconds":null,"Credentials":null,"Context":null,"Subject":null,"SealedToken":null,"History":null,"InvocationKey":null}
            """;
        var olderResult = """{"Output":"{\"n\":1}","Error":null,"Cause":null,"CompletesTask":false}""";
        Assert.Equal(request, JsonSerializer.Deserialize<DispatchRequest>(olderRequest, sdk));
        Assert.Equal(result, JsonSerializer.Deserialize<DispatchResult>(olderResult, sdk));
    }

    [Fact]
    public void DispatchMessages_WithEveryFieldSet_RoundTrip()
    {
        var history = new List<StoredEvent> { Events[0] };
        var request = new DispatchRequest(
            "five:a", "five", "S1", "arn:hybrid:x", "null", 2, 1.5, """{"RoleArn":"r"}""", """{"State":{"Name":"S1"}}""", "alice", "sealed", history, "five:a@0/1", new TaskPhase(TaskPhase.Polling, "{}", 3));
        var result = new DispatchResult(null, "States.TaskFailed", "boom", CompletesTask: true, new TaskPending("{}", 2));

        var requestBack = JsonSerializer.Deserialize<DispatchRequest>(JsonSerializer.Serialize(request, Web), Web)!;
        var resultBack = JsonSerializer.Deserialize<DispatchResult>(JsonSerializer.Serialize(result, Web), Web)!;

        Assert.Equal(request with { History = null }, requestBack with { History = null });
        Assert.Equal(history, requestBack.History);
        Assert.Equal(result, resultBack);
        Assert.Equal(new DispatchResult("null", null, null), JsonSerializer.Deserialize<DispatchResult>(JsonSerializer.Serialize(new DispatchResult("null", null, null), Web), Web));
    }
}
