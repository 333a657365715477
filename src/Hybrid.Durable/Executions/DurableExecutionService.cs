using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Hybrid.Identity.Sealing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hybrid.Durable.Executions;

/// <summary>Settings of the execution service.</summary>
public sealed record ExecutionServiceOptions
{
    /// <summary>The account and region in the ARNs Hybrid makes for <c>$$.Execution.Id</c> and <c>$$.StateMachine.Id</c>.</summary>
    public string Region { get; init; } = "local";

    public string Account { get; init; } = "000000000000";

    /// <summary>The largest execution input accepted (256 KiB, as in AWS).</summary>
    public long MaxInputBytes { get; init; } = 256 * 1024;

    public RunSettings Run { get; init; } = RunSettings.Default;
}

/// <summary>
/// The execution operations on a Durable Task client: one orchestration instance per execution. A caller's token is
/// sealed with <paramref name="sealer"/> (bound to the execution id) before it enters durable state.
/// </summary>
public sealed class DurableExecutionService(
    DurableTaskClient client,
    IWorkflowRegistry workflows,
    IExecutionHistoryStore history,
    IStartedTaskStore started,
    TimeProvider time,
    ExecutionServiceOptions options,
    ITokenSealer? sealer = null) : IExecutionService
{
    /// <summary>Starts of the same execution id are serialised (check, then schedule); others run in parallel.</summary>
    private readonly SemaphoreSlim[] _startLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<StartedExecution> StartAsync(string workflow, JsonNode? input, string? name = null, Caller? caller = null, CancellationToken cancellationToken = default)
    {
        var definition = workflows.Find(workflow) ?? throw new WorkflowNotFoundException(workflow);

        // A generated name (128 random bits) cannot be taken, so it needs no existence check: one round trip fewer.
        var named = name is not null;
        name ??= ExecutionIds.NewName();
        if (ExecutionNames.Problem(name) is { } problem)
        {
            throw new InvalidExecutionRequestException("InvalidName", problem);
        }

        input ??= new JsonObject();
        var inputText = AslJson.ToJsonString(input);
        if (AslJson.Utf8Size(input) > options.MaxInputBytes)
        {
            throw new InvalidExecutionRequestException("InvalidExecutionInput", $"The execution input is larger than {options.MaxInputBytes} bytes.");
        }

        var id = ExecutionIds.Create(workflow, name);
        var startLock = _startLocks[(StringComparer.Ordinal.GetHashCode(id) & int.MaxValue) % _startLocks.Length];
        await startLock.WaitAsync(cancellationToken);
        try
        {
            if (named && await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) is { } existing)
            {
                var run = existing.ReadInputAs<MachineRun>();
                var sameInput = run is not null && AslJson.DeepEquals(ExecutionMeta.Parse(run.Execution.Input), input);
                if (sameInput && existing.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)
                {
                    return new StartedExecution(id, name, run!.Execution.StartTime, Created: false);
                }

                throw new ExecutionAlreadyExistsException(name);
            }

            var start = time.GetUtcNow();
            var meta = new ExecutionMeta(
                id,
                $"arn:aws:states:{options.Region}:{options.Account}:execution:{workflow}:{name}",
                name,
                workflow,
                $"arn:aws:states:{options.Region}:{options.Account}:stateMachine:{workflow}",
                start,
                inputText,
                RoleArn: null,
                caller is null ? null : AslJson.ToJsonString(caller.ToPrincipal()),
                caller?.Subject,
                caller is null ? null : Seal(caller, id),
                caller?.ReauthenticationWait);
            DateTimeOffset? deadline = definition.StateMachine.TimeoutSeconds is { } timeout ? start.AddSeconds(timeout) : null;
            var machineRun = new MachineRun(definition.Definition, inputText, meta, IsRoot: true, null, null, deadline, null, 0, options.Run);
            await client.ScheduleNewOrchestrationInstanceAsync(DurableNames.Machine, machineRun, new StartOrchestrationOptions(id), cancellationToken);
            return new StartedExecution(id, name, start, Created: true);
        }
        finally
        {
            startLock.Release();
        }
    }

    public async Task<ExecutionDescription?> DescribeAsync(string executionId, CancellationToken cancellationToken = default)
    {
        if (!ExecutionIds.TrySplit(executionId, out _, out _))
        {
            return null;
        }

        var metadata = await client.GetInstanceAsync(executionId, getInputsAndOutputs: true, cancellationToken);
        return metadata is null ? null : Describe(metadata);
    }

    private static ExecutionDescription? Describe(OrchestrationMetadata metadata)
    {
        var run = metadata.ReadInputAs<MachineRun>();
        if (run is null || !run.IsRoot)
        {
            return null;
        }

        var meta = run.Execution;
        var outcome = metadata.IsCompleted ? metadata.ReadOutputAs<RunOutcome>() : null;
        var (status, error, cause) = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed when outcome is not null => (outcome.Status, outcome.Error, outcome.Cause),
            OrchestrationRuntimeStatus.Terminated => (ExecutionStatus.Aborted, outcome?.Error, outcome?.Cause),
            OrchestrationRuntimeStatus.Failed => (ExecutionStatus.Failed, "Hybrid.OrchestrationFailed", metadata.FailureDetails?.ErrorMessage),
            OrchestrationRuntimeStatus.Completed => (ExecutionStatus.Failed, "Hybrid.OrchestrationFailed", "The orchestration completed without an outcome."),
            _ => (ExecutionStatus.Running, null, null),
        };
        var current = status == ExecutionStatus.Running ? metadata.ReadCustomStatusAs<ExecutionProgress>()?.State : null;
        return new ExecutionDescription(
            metadata.InstanceId,
            meta.Name,
            meta.Workflow,
            status,
            meta.StartTime,
            metadata.IsCompleted ? metadata.LastUpdatedAt : null,
            ExecutionMeta.Parse(meta.Input),
            status == ExecutionStatus.Succeeded ? ExecutionMeta.Parse(outcome?.Output) : null,
            error,
            cause,
            current,
            meta.Subject);
    }

    public async Task<IReadOnlyList<HistoryEvent>?> GetHistoryAsync(string executionId, CancellationToken cancellationToken = default)
    {
        if (await DescribeAsync(executionId, cancellationToken) is null)
        {
            return null;
        }

        var stored = await history.ReadAsync(executionId, cancellationToken);
        var metadata = await client.GetInstanceAsync(executionId, getInputsAndOutputs: true, cancellationToken);
        var tail = metadata is { IsCompleted: true } ? metadata.ReadOutputAs<RunOutcome>()?.PendingEvents ?? [] : [];
        return HistoryNumbering.Number(stored.Concat(tail));
    }

    public async Task StopAsync(string executionId, string? error = null, string? cause = null, CancellationToken cancellationToken = default)
    {
        var description = await DescribeAsync(executionId, cancellationToken) ?? throw new ExecutionNotFoundException(executionId);
        if (description.Status != ExecutionStatus.Running)
        {
            return;
        }

        var now = time.GetUtcNow();
        var aborted = new StoredEvent($"{executionId}@stop", 0, now, "ExecutionAborted", AslJson.ToJsonString(new JsonObject
        {
            ["executionAbortedEventDetails"] = new JsonObject { ["error"] = error, ["cause"] = cause },
        }));
        var outcome = new RunOutcome(ExecutionStatus.Aborted, null, error, cause, [aborted]);
        var stop = new StopInstancesRequest([executionId], error ?? ErrorNames.Aborted, cause ?? "The execution was stopped.", $"{executionId}~stop@{now.UtcTicks}");
        await InstanceStops.StopAsync(client, started, stop, outcome, cancellationToken);
    }

    public async Task<ExecutionPage> ListAsync(ExecutionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Workflow is not null && workflows.Find(filter.Workflow) is null)
        {
            throw new WorkflowNotFoundException(filter.Workflow);
        }

        var statuses = filter.Status switch
        {
            null => null,
            ExecutionStatus.Running => new[] { OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending },
            ExecutionStatus.Aborted => [OrchestrationRuntimeStatus.Terminated],
            ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.TimedOut => [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed],
            _ => throw new InvalidExecutionRequestException("InvalidParameterValue", $"'{filter.Status}' is not an execution status; use RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED."),
        };
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = filter.Workflow is null ? null : filter.Workflow + ":",
            Statuses = statuses,
            PageSize = Math.Clamp(filter.PageSize, 1, 1000),
            ContinuationToken = filter.ContinuationToken,
            FetchInputsAndOutputs = true,
        };
        var result = new List<ExecutionDescription>();
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(filter.ContinuationToken, query.PageSize).WithCancellation(cancellationToken))
        {
            foreach (var metadata in page.Values)
            {
                if (!metadata.InstanceId.Contains('~', StringComparison.Ordinal) && Describe(metadata) is { } description
                    && (filter.Status is null || description.Status == filter.Status))
                {
                    result.Add(description);
                }
            }

            return new ExecutionPage(result, page.ContinuationToken);
        }

        return new ExecutionPage(result, null);
    }

    public Task SendTaskSuccessAsync(string taskToken, JsonNode? output, CancellationToken cancellationToken = default) =>
        RaiseAsync(taskToken, id => TaskTokens.CallbackEvent(id), new TaskCallback("success", AslJson.ToJsonString(output), null, null), cancellationToken);

    public Task SendTaskFailureAsync(string taskToken, string? error, string? cause, CancellationToken cancellationToken = default) =>
        RaiseAsync(taskToken, id => TaskTokens.CallbackEvent(id), new TaskCallback("failure", null, error ?? "States.TaskFailed", cause), cancellationToken);

    public Task SendTaskHeartbeatAsync(string taskToken, CancellationToken cancellationToken = default) =>
        RaiseAsync(taskToken, id => TaskTokens.HeartbeatEvent(id), new TaskCallback("heartbeat", null, null, null), cancellationToken);

    public async Task SubmitTokenAsync(string executionId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var metadata = ExecutionIds.TrySplit(executionId, out _, out _) ? await client.GetInstanceAsync(executionId, getInputsAndOutputs: true, cancellationToken) : null;
        if (metadata?.ReadInputAs<MachineRun>() is not { IsRoot: true } run)
        {
            throw new ExecutionNotFoundException(executionId);
        }

        if (!metadata.IsRunning && metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
        {
            throw new TokenNotAcceptedException($"The execution '{executionId}' has finished; it takes no fresh token.");
        }

        if (run.Execution.ReauthenticationWait is null)
        {
            throw new TokenNotAcceptedException(
                $"The execution '{executionId}' does not wait for re-authentication: its workflow '{run.Execution.Workflow}' is not listed in Identity:Reauthentication:Workflows.");
        }

        var fresh = new FreshToken(Seal(caller, executionId) ?? throw new InvalidExecutionRequestException("InvalidToken", "No token was handed in."));
        await client.RaiseEventAsync(executionId, FreshToken.EventName, fresh, cancellationToken);

        // Branches and Map iterations are instances of their own; whichever of them waits takes the token too.
        var children = new OrchestrationQuery
        {
            InstanceIdPrefix = ExecutionIds.ChildPrefix(executionId),
            Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending],
            PageSize = 1000,
        };
        await foreach (var child in client.GetAllInstancesAsync(children).WithCancellation(cancellationToken))
        {
            await client.RaiseEventAsync(child.InstanceId, FreshToken.EventName, fresh, cancellationToken);
        }
    }

    /// <summary>The caller's token sealed for the execution id; a bearer token is never stored in the clear.</summary>
    private string? Seal(Caller caller, string executionId)
    {
        if (caller.Token is not { } token)
        {
            return caller.SealedToken;
        }

        return sealer is null
            ? throw new InvalidOperationException("The caller's token cannot be stored unsealed: register an ITokenSealer (AddHybridIdentity).")
            : sealer.Seal(token, executionId);
    }

    private async Task RaiseAsync(string taskToken, Func<string, string> eventName, TaskCallback callback, CancellationToken cancellationToken)
    {
        if (!TaskTokens.TryParse(taskToken, out var instanceId, out var id))
        {
            throw new TaskTokenException("InvalidToken", "The task token is malformed.");
        }

        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            throw new TaskTokenException("TaskDoesNotExist", "No task is waiting for this token.");
        }

        if (!metadata.IsRunning && metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
        {
            throw new TaskTokenException("TaskTimedOut", "The task for this token is no longer waiting: its execution has finished.");
        }

        await client.RaiseEventAsync(instanceId, eventName(id), callback, cancellationToken);
    }
}
