using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;

namespace Hybrid.Durable.Orchestration;

// The messages between the orchestrators and activities. JSON payloads travel as JSON text, so that what is stored in
// the Durable history is exactly what the engine produced (numbers keep their text) and no serializer setting can
// change it.

/// <summary>
/// The execution's identity: the context object's Execution and StateMachine fields, and its caller: the
/// <c>$$.Execution.Principal</c> object (JSON text), the subject (null for an execution the host started itself), the
/// token sealed for this execution id (every activity checks it again), and how long the execution waits for a fresh
/// token once that one has expired (null: it does not wait).
/// </summary>
public sealed record ExecutionMeta(
    string ExecutionId,
    string ExecutionArn,
    string Name,
    string Workflow,
    string StateMachineArn,
    DateTimeOffset StartTime,
    string? Input,
    string? RoleArn,
    [property: JsonConverter(typeof(JsonObjectTextConverter))] string? Principal,
    string? Subject,
    string? SealedToken,
    // Left out when null, so the inputs of executions that do not wait serialize as before this field existed.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimeSpan? ReauthenticationWait = null)
{
    public ExecutionInfo ToExecutionInfo() => new(
        ExecutionArn,
        Name,
        StateMachineArn,
        Workflow,
        StartTime,
        Parse(Input),
        RoleArn,
        0,
        Parse(Principal) as JsonObject);

    internal static JsonNode? Parse(string? json) => json is null ? null : AslJson.Parse(json);

    internal static string? Text(JsonNode? node) => AslJson.ToJsonString(node);
}

/// <summary>
/// The input of <see cref="AslOrchestrator"/>: a state machine to run (the whole definition, or a branch or item
/// processor as a machine of its own), its input, and where to resume after ContinueAsNew.
/// </summary>
/// <param name="Definition">The machine's JSON text.</param>
/// <param name="Input">The machine's input (JSON text).</param>
/// <param name="Execution">The execution it belongs to.</param>
/// <param name="IsRoot">True for the execution itself; false for a branch or a Map iteration.</param>
/// <param name="Variables">The variables in scope (JSON object text), for branches.</param>
/// <param name="MapItem">For Map iterations, <c>{"Index","Value"}</c>.</param>
/// <param name="DeadlineUtc">The execution's TimeoutSeconds deadline, if any.</param>
/// <param name="Resume">Where to continue after ContinueAsNew.</param>
/// <param name="Generation">How many times this instance has continued as new.</param>
/// <param name="Settings">Limits chosen by the host.</param>
public sealed record MachineRun(
    string Definition,
    string? Input,
    ExecutionMeta Execution,
    bool IsRoot,
    string? Variables,
    string? MapItem,
    DateTimeOffset? DeadlineUtc,
    ResumePoint? Resume,
    int Generation,
    RunSettings Settings);

/// <summary>A serialized <see cref="Checkpoint"/>.</summary>
public sealed record ResumePoint(string State, string? Input, string? Variables);

/// <summary>How an execution runs: the limits that keep every Durable history bounded, and the clock.</summary>
/// <param name="MaxOperationsPerGeneration">Durable operations (tasks, timers, branch batches) before rolling over with ContinueAsNew.</param>
/// <param name="MapChunkSize">At most this many Map iterations are children of one orchestration; larger Maps fan out in chunks.</param>
/// <param name="SkipWaits">Wait states and Retry intervals take no time: the execution's clock is virtual, starting at the execution's start time and jumping over each wait (like <c>hybrid run --skip-waits</c>).</param>
/// <param name="ClockOffset">Added to the execution's clock: the waits a parent or an earlier generation skipped.</param>
public sealed record RunSettings(int MaxOperationsPerGeneration = 100, int MapChunkSize = 100, bool SkipWaits = false, TimeSpan ClockOffset = default)
{
    public static RunSettings Default { get; } = new();

    /// <summary>
    /// How long a Parallel or Map state that stopped its running branches waits for their notices before it fails (null:
    /// a minute; zero: it does not wait). The execution itself completes only once they have all come, whatever this
    /// says. Left out of messages when null, so that the inputs of executions recorded before it existed stay the same.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeSpan? StopNoticeWait { get; init; }

    /// <summary><see cref="StopNoticeWait"/>, or its default.</summary>
    internal TimeSpan StopWait => StopNoticeWait ?? TimeSpan.FromMinutes(1);
}

/// <summary>The output of <see cref="AslOrchestrator"/>: how the machine ended, and the history events not yet stored.</summary>
public sealed record RunOutcome(
    string Status,
    string? Output,
    string? Error,
    string? Cause,
    [property: JsonConverter(typeof(StoredEventListConverter))] IReadOnlyList<StoredEvent>? PendingEvents)
{
    internal MachineOutcome ToMachineOutcome() => new(
        Status switch
        {
            "SUCCEEDED" => MachineStatus.Succeeded,
            "TIMED_OUT" => MachineStatus.TimedOut,
            "ABORTED" => MachineStatus.Aborted,
            _ => MachineStatus.Failed,
        },
        Status == "SUCCEEDED" ? ExecutionMeta.Parse(Output) : null,
        Error is null ? null : new Hybrid.Asl.Errors.AslError(Error, Cause));
}

/// <summary>The input of <see cref="AslBatchOrchestrator"/>: many iterations of one item processor.</summary>
public sealed record BatchRun(
    string Definition,
    IReadOnlyList<BatchItem> Items,
    ExecutionMeta Execution,
    string? Variables,
    DateTimeOffset? DeadlineUtc,
    int MaxConcurrency,
    int ToleratedFailures,
    RunSettings Settings);

/// <summary>One Map iteration: its input and its <c>$$.Map.Item</c>.</summary>
public sealed record BatchItem(string? Input, string? MapItem);

/// <summary>A history event as stored: its place in the execution and its content. Ids are assigned when read.</summary>
/// <param name="Instance">The Durable instance that produced it.</param>
/// <param name="Sequence">Its position among that instance generation's events.</param>
/// <param name="Timestamp">When it happened, on the orchestration's clock.</param>
/// <param name="Type">The Step Functions event type.</param>
/// <param name="Details">The details object as JSON text.</param>
public sealed record StoredEvent(string Instance, long Sequence, DateTimeOffset Timestamp, string Type, string? Details);

/// <summary>
/// What the dispatch activity is asked to do. <c>InvocationKey</c> is the invocation's <see cref="TaskScope.Key"/> (the
/// same on every replay of it); <c>Phase</c>, for a long-running task, is null to start it, else the poll or stop of a
/// started one.
/// </summary>
/// <remarks>
/// Null fields and a first attempt (0) are left out when written (a missing field reads as null or 0), since every
/// request travels several times (scheduled, stored, handed to the activity, and read again with each later episode's
/// history); requests written with them read the same.
/// </remarks>
public sealed record DispatchRequest(
    string ExecutionId,
    string Workflow,
    string StateName,
    string Resource,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Input,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Attempt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TimeoutSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Credentials,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(JsonObjectTextConverter))] string? Context,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Subject,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SealedToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(StoredEventListConverter))] IReadOnlyList<StoredEvent>? History,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InvocationKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TaskPhase? Phase = null);

/// <summary>A poll or a stop of a started long-running task (<see cref="Hybrid.Asl.Running.ILongRunningTaskHandler"/>).</summary>
/// <param name="Kind"><see cref="Polling"/> or <see cref="Stopping"/>.</param>
/// <param name="State">The state the task's last progress returned (JSON text).</param>
/// <param name="Poll">Which poll this is, from 1.</param>
/// <param name="Error">For a stop: the error to stop it with.</param>
/// <param name="Cause">For a stop: the cause.</param>
public sealed record TaskPhase(string Kind, string? State, int Poll = 0, string? Error = null, string? Cause = null)
{
    public const string Polling = "poll";
    public const string Stopping = "stop";
}

/// <summary>A long-running task that is still running: its state, and when to poll it again.</summary>
public sealed record TaskPending(string? State, double PollAfterSeconds);

/// <summary>
/// The dispatch activity's answer: a result, or an ASL error (task errors are data, not exceptions). Null fields and a
/// false <c>CompletesTask</c> are left out when written, as in <see cref="DispatchRequest"/>; answers written with them
/// read the same.
/// </summary>
/// <param name="Output">The result (JSON text).</param>
/// <param name="Error">The ASL error, when the task failed.</param>
/// <param name="Cause">The error's cause.</param>
/// <param name="CompletesTask">The answer is final even for a <c>.waitForTaskToken</c> task (it was mocked).</param>
/// <param name="Pending">Set when a long-running task was started or polled and is still running.</param>
public sealed record DispatchResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Output,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cause,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool CompletesTask = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TaskPending? Pending = null);

/// <summary>A fresh token of the execution's caller, sealed for the execution id, raised as the external event <see cref="EventName"/>.</summary>
public sealed record FreshToken(string SealedToken)
{
    /// <summary>The external event that hands an execution waiting for re-authentication a fresh token.</summary>
    public const string EventName = "HybridToken";
}

/// <summary>A task-token callback, raised as an external event on the waiting instance.</summary>
public sealed record TaskCallback(string Kind, string? Output, string? Error, string? Cause);
