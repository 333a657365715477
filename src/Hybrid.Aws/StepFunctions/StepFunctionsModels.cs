using System.Text.Json;

namespace Hybrid.Aws.StepFunctions;

/// <summary>The status of a Step Functions execution.</summary>
public enum ExecutionStatus
{
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    /// <summary>A status this client does not know yet (AWS adds some, such as PENDING_REDRIVE).</summary>
    Unknown,
}

/// <param name="StateMachineArn">The state machine to run.</param>
/// <param name="Name">The execution name: 1-80 characters, unique per state machine for 90 days. Null lets AWS pick one.</param>
/// <param name="Input">The input JSON text.</param>
/// <param name="TraceHeader">An X-Ray trace header to continue.</param>
public sealed record StartExecutionRequest(string StateMachineArn, string? Name = null, string? Input = null, string? TraceHeader = null);

public sealed record StartExecutionResult(string ExecutionArn, DateTimeOffset StartDate);

public sealed record ExecutionDescription(
    string ExecutionArn,
    string StateMachineArn,
    string? Name,
    ExecutionStatus Status,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    string? Input,
    string? Output,
    string? Error,
    string? Cause,
    string? TraceHeader);

/// <param name="ExecutionArn">The execution to stop.</param>
/// <param name="Error">The error code recorded on the aborted execution.</param>
/// <param name="Cause">A longer explanation.</param>
public sealed record StopExecutionRequest(string ExecutionArn, string? Error = null, string? Cause = null);

public sealed record StopExecutionResult(DateTimeOffset StopDate);

public sealed record GetExecutionHistoryRequest(
    string ExecutionArn,
    int? MaxResults = null,
    string? NextToken = null,
    bool? ReverseOrder = null,
    bool? IncludeExecutionData = null);

/// <summary>One history event. <see cref="Details"/> is the event's <c>...EventDetails</c> object, if it has one.</summary>
public sealed record HistoryEvent(long Id, long? PreviousEventId, string Type, DateTimeOffset Timestamp, string? DetailsName, JsonElement? Details);

public sealed record ExecutionHistoryPage(IReadOnlyList<HistoryEvent> Events, string? NextToken);

public sealed record StartSyncExecutionRequest(string StateMachineArn, string? Name = null, string? Input = null, string? TraceHeader = null);

/// <summary>
/// What StartSyncExecution returned. AWS answers HTTP 200 even when the execution failed: read <see cref="Status"/>.
/// </summary>
public sealed record SyncExecutionResult(
    string ExecutionArn,
    string? StateMachineArn,
    string? Name,
    ExecutionStatus Status,
    DateTimeOffset StartDate,
    DateTimeOffset StopDate,
    string? Input,
    string? Output,
    string? Error,
    string? Cause);
