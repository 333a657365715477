using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Model;

namespace Hybrid.Durable.Executions;

/// <summary>A named, validated state machine from the definition registry.</summary>
/// <param name="Name">The workflow name (the file name without <c>.asl.json</c>).</param>
/// <param name="Definition">The definition's JSON text, exactly as loaded.</param>
/// <param name="StateMachine">The parsed machine.</param>
/// <param name="Hash">SHA-256 of the definition text (hex), which identifies this version.</param>
/// <param name="Source">Where it was loaded from.</param>
public sealed record WorkflowDefinition(string Name, string Definition, StateMachine StateMachine, string Hash, string Source)
{
    public string? Comment => StateMachine.Comment;
}

/// <summary>The named state machines an instance of Hybrid serves.</summary>
public interface IWorkflowRegistry
{
    IReadOnlyList<WorkflowDefinition> List();

    WorkflowDefinition? Find(string name);
}

/// <summary>Status names as Step Functions' DescribeExecution reports them.</summary>
public static class ExecutionStatus
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string TimedOut = "TIMED_OUT";
    public const string Aborted = "ABORTED";
    public const string Pending = "PENDING";
}

/// <summary>What DescribeExecution returns.</summary>
public sealed record ExecutionDescription(
    string ExecutionId,
    string Name,
    string Workflow,
    string Status,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    JsonNode? Input,
    JsonNode? Output,
    string? Error,
    string? Cause,
    string? CurrentState,
    string? Subject);

/// <summary>The answer to a start: the id, and whether this call created it (false when a same-name, same-input start was repeated).</summary>
public sealed record StartedExecution(string ExecutionId, string Name, DateTimeOffset StartDate, bool Created);

/// <summary>A filter for listing executions; every field is optional.</summary>
public sealed record ExecutionFilter(string? Workflow = null, string? Status = null, int PageSize = 100, string? ContinuationToken = null);

/// <summary>One page of executions.</summary>
public sealed record ExecutionPage(IReadOnlyList<ExecutionDescription> Executions, string? ContinuationToken);

/// <summary>The verified caller on whose behalf an execution runs (filled by the identity layer).</summary>
/// <param name="Subject">The token's subject (<c>sub</c>, or the client id of a client-credentials token).</param>
/// <param name="ClientId">The OAuth client (<c>client_id</c> or <c>azp</c>).</param>
/// <param name="Issuer">The token's issuer.</param>
/// <param name="Groups">Every <c>groups</c> value.</param>
/// <param name="Scopes">The token's scopes.</param>
/// <param name="SealedToken">The token, already sealed for this execution (see <see cref="Token"/>).</param>
public sealed record Caller(string Subject, string? ClientId, string? Issuer, IReadOnlyList<string> Groups, IReadOnlyList<string> Scopes, string? SealedToken = null)
{
    /// <summary>
    /// The bearer token as presented, held in memory only: the execution service seals it, bound to the execution id,
    /// before anything is stored, so every activity can check it again. Never printed by <see cref="ToString"/>.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>How long the execution waits for a fresh token when this one expires; null: the next Task fails at once.</summary>
    public TimeSpan? ReauthenticationWait { get; init; }

    /// <summary><c>$$.Execution.Principal</c>: <c>{"sub","client_id","iss","groups":[...],"scopes":[...]}</c>.</summary>
    public JsonObject ToPrincipal()
    {
        var groups = new JsonArray();
        foreach (var g in Groups)
        {
            groups.Add(g);
        }

        var scopes = new JsonArray();
        foreach (var s in Scopes)
        {
            scopes.Add(s);
        }

        return new JsonObject { ["sub"] = Subject, ["client_id"] = ClientId, ["iss"] = Issuer, ["groups"] = groups, ["scopes"] = scopes };
    }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Subject = ").Append(Subject).Append(", ClientId = ").Append(ClientId).Append(", Issuer = ").Append(Issuer)
            .Append(", Groups = [").AppendJoin(", ", Groups).Append("], Scopes = [").AppendJoin(", ", Scopes).Append(']');
        return true;
    }
}

/// <summary>
/// Execution operations, the same for the local host and the Functions app: start (idempotent by name, like
/// StartExecution), describe, history, stop, list, and the task-token callbacks. Failures are the typed exceptions
/// in this namespace, which the HTTP layer maps to 400, 404 and 409.
/// </summary>
public interface IExecutionService
{
    Task<StartedExecution> StartAsync(string workflow, JsonNode? input, string? name = null, Caller? caller = null, CancellationToken cancellationToken = default);

    Task<ExecutionDescription?> DescribeAsync(string executionId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HistoryEvent>?> GetHistoryAsync(string executionId, CancellationToken cancellationToken = default);

    Task StopAsync(string executionId, string? error = null, string? cause = null, CancellationToken cancellationToken = default);

    Task<ExecutionPage> ListAsync(ExecutionFilter filter, CancellationToken cancellationToken = default);

    Task SendTaskSuccessAsync(string taskToken, JsonNode? output, CancellationToken cancellationToken = default);

    Task SendTaskFailureAsync(string taskToken, string? error, string? cause, CancellationToken cancellationToken = default);

    Task SendTaskHeartbeatAsync(string taskToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a running execution a fresh token of its caller (<see cref="Caller.Token"/>): sealed, then delivered to the
    /// execution and to its running branches, so that an execution waiting for re-authentication goes on.
    /// </summary>
    /// <exception cref="ExecutionNotFoundException">No such execution.</exception>
    /// <exception cref="TokenNotAcceptedException">The execution has finished, or does not wait for re-authentication.</exception>
    Task SubmitTokenAsync(string executionId, Caller caller, CancellationToken cancellationToken = default);
}

/// <summary>Base of the execution operations' failures; <see cref="Code"/> is the Step Functions error code.</summary>
public abstract class ExecutionOperationException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>404: no workflow by that name.</summary>
public sealed class WorkflowNotFoundException(string name)
    : ExecutionOperationException("StateMachineDoesNotExist", $"There is no workflow named '{name}'.");

/// <summary>404: no execution with that id.</summary>
public sealed class ExecutionNotFoundException(string executionId)
    : ExecutionOperationException("ExecutionDoesNotExist", $"There is no execution '{executionId}'.");

/// <summary>409: the name is taken by an execution with a different input (or one that has finished).</summary>
public sealed class ExecutionAlreadyExistsException(string name)
    : ExecutionOperationException("ExecutionAlreadyExists", $"An execution named '{name}' already exists with a different input or has already finished.");

/// <summary>400: the request is malformed (bad name, input too large, invalid JSON).</summary>
public sealed class InvalidExecutionRequestException(string code, string message) : ExecutionOperationException(code, message);

/// <summary>409: the execution cannot take a fresh token: it has finished, or its workflow does not wait for re-authentication.</summary>
public sealed class TokenNotAcceptedException(string message) : ExecutionOperationException("TokenNotAccepted", message);

/// <summary>404/400: the task token is unknown, malformed, or its task is no longer waiting.</summary>
public sealed class TaskTokenException(string code, string message) : ExecutionOperationException(code, message);
