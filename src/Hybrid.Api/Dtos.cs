using System.Text.Json.Nodes;

namespace Hybrid.Api;

/// <summary>The answer to a start (202 when it created the execution, 200 when a same-name, same-input start repeated it).</summary>
internal sealed record StartExecutionResponse(string ExecutionId, string Name, DateTimeOffset StartDate, string StatusUrl, string HistoryUrl, string StopUrl);

/// <summary>One workflow in the list.</summary>
internal sealed record WorkflowSummary(string Name, string? Comment, string Hash, string Url, string ExecutionsUrl);

internal sealed record WorkflowList(IReadOnlyList<WorkflowSummary> Workflows);

/// <summary>One workflow with its definition as JSON.</summary>
internal sealed record WorkflowDetail(string Name, string? Comment, string Hash, string Source, JsonNode? Definition, string ExecutionsUrl);

/// <summary>One execution in a listing (as ListExecutions: no input or output).</summary>
internal sealed record ExecutionSummary(string ExecutionId, string Name, string Workflow, string Status, DateTimeOffset StartDate, DateTimeOffset? StopDate, string StatusUrl);

internal sealed record ExecutionList(IReadOnlyList<ExecutionSummary> Executions, string? ContinuationToken);

/// <summary>Step Functions-style history: each event's details object sits beside its id, type and timestamp.</summary>
internal sealed record HistoryResponse(string ExecutionId, JsonArray Events);

/// <summary>The answer to a fresh token handed in: delivered to the execution.</summary>
internal sealed record SubmitTokenResponse(string ExecutionId, string Subject, string StatusUrl);

/// <summary>The audit log of one execution, oldest first.</summary>
internal sealed record AuditResponse(string ExecutionId, IReadOnlyList<AuditEntryView> Entries);

/// <summary>One audit entry as the API shows it (enums as names; never a token).</summary>
internal sealed record AuditEntryView(
    string Id,
    DateTimeOffset Time,
    string? Subject,
    string? ClientId,
    string? Issuer,
    IReadOnlyList<string> Groups,
    string Action,
    string? Workflow,
    string? ExecutionId,
    string? State,
    string? Resource,
    string Decision,
    string Reason,
    string? PolicyRule,
    string? Error,
    string? TokenKind,
    string? CorrelationId);
