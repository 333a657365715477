using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Running;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask;

namespace Hybrid.Durable.Dispatch;

/// <summary>What a dispatch middleware sees: the request and the invocation the handler will get.</summary>
public sealed record DispatchContext(DispatchRequest Request, TaskInvocation Invocation)
{
    /// <summary>
    /// Set by a middleware that answers the task itself (a mock): the answer is the task's result, so a
    /// <c>.waitForTaskToken</c> task does not then wait for a callback.
    /// </summary>
    public bool CompletesTask { get; set; }

    /// <summary>Set by the handler step when a long-running task was started or polled and is still running.</summary>
    public TaskProgress? Pending { get; set; }
}

/// <summary>
/// A step around every task invocation (identity check, audit, tracing), so that no handler can skip it. Middlewares
/// run in registration order; each calls <c>next</c> to continue or raises an <see cref="AslException"/> to refuse.
/// </summary>
public interface IDispatchMiddleware
{
    ValueTask<JsonNode?> InvokeAsync(DispatchContext context, Func<ValueTask<JsonNode?>> next, CancellationToken cancellationToken);
}

/// <summary>
/// The one activity that runs every Task state: it stores the history the orchestration buffered, runs the middleware
/// pipeline, and calls the handler registered for the resource. Task errors come back as data. A long-running task it
/// starts is recorded in <paramref name="started"/> until it ends, so that a stop that comes before the orchestrator
/// names it in its custom status still finds it (<see cref="InstanceStops"/>).
/// </summary>
public sealed class DispatchActivity(
    TaskHandlerRegistry handlers, IExecutionHistoryStore history, IStartedTaskStore started, IEnumerable<IDispatchMiddleware> middlewares)
    : TaskActivity<DispatchRequest, DispatchResult>
{
    private readonly IDispatchMiddleware[] _middlewares = [.. middlewares];

    public override async Task<DispatchResult> RunAsync(TaskActivityContext context, DispatchRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.History is { Count: > 0 } events)
        {
            await history.AppendAsync(input.ExecutionId, events);
        }

        var invocation = new TaskInvocation(
            input.StateName,
            input.Resource,
            input.Input is null ? null : AslJson.Parse(input.Input),
            input.Attempt,
            input.TimeoutSeconds,
            null,
            input.Credentials is null ? null : AslJson.Parse(input.Credentials),
            () => input.Context is null ? [] : AslJson.Parse(input.Context) as JsonObject ?? [],
            new TaskScope(input.InvocationKey ?? input.ExecutionId, input.ExecutionId, input.Subject, input.SealedToken));
        var dispatch = new DispatchContext(input, invocation);
        try
        {
            var output = await InvokeAsync(context, dispatch, 0, CancellationToken.None);
            var pending = dispatch.Pending is { } progress ? new TaskPending(AslJson.ToJsonString(progress.State), progress.PollAfter.TotalSeconds) : null;
            return new DispatchResult(AslJson.ToJsonString(output), null, null, dispatch.CompletesTask, pending);
        }
        catch (AslException e)
        {
            return new DispatchResult(null, e.Error, e.Cause, dispatch.CompletesTask);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DispatchResult(null, ErrorNames.TaskFailed, $"{e.GetType().Name}: {e.Message}", dispatch.CompletesTask);
        }
    }

    private ValueTask<JsonNode?> InvokeAsync(TaskActivityContext activity, DispatchContext context, int index, CancellationToken cancellationToken) =>
        index < _middlewares.Length
            ? _middlewares[index].InvokeAsync(context, () => InvokeAsync(activity, context, index + 1, cancellationToken), cancellationToken)
            : HandleAsync(activity, context, cancellationToken);

    /// <summary>The end of the pipeline: the handler, or the start, poll or stop of a long-running one.</summary>
    private async ValueTask<JsonNode?> HandleAsync(TaskActivityContext activity, DispatchContext context, CancellationToken cancellationToken)
    {
        var invocation = context.Invocation;
        if (!handlers.TryResolveLongRunning(invocation.Resource, out var handler))
        {
            return await handlers.InvokeAsync(invocation, cancellationToken);
        }

        var request = context.Request;
        var key = request.InvocationKey ?? request.ExecutionId;
        var phase = request.Phase;
        var state = phase?.State is null ? null : AslJson.Parse(phase.State);
        TaskProgress progress;
        switch (phase?.Kind)
        {
            case null:
                progress = await handler.StartAsync(invocation, cancellationToken);
                if (!progress.IsDone)
                {
                    await RecordStartAsync(activity.InstanceId, key, context, handler, progress, cancellationToken);
                }

                break;
            case TaskPhase.Polling:
                try
                {
                    progress = await handler.PollAsync(invocation, state, phase.Poll, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The task ends with this error.
                    await ForgetAsync(request.ExecutionId, key, cancellationToken);
                    throw;
                }

                if (progress.IsDone)
                {
                    await ForgetAsync(request.ExecutionId, key, cancellationToken);
                }

                break;
            case TaskPhase.Stopping:
                await handler.StopAsync(invocation, state, phase.Error, phase.Cause, cancellationToken);
                await ForgetAsync(request.ExecutionId, key, cancellationToken);
                return null;
            default:
                throw new InvalidOperationException($"Unknown task phase '{phase.Kind}'.");
        }

        if (progress.IsDone)
        {
            return progress.Output;
        }

        context.Pending = progress;
        return null;
    }

    /// <summary>
    /// Records a long-running task that has just started (with the request that polls it), then reads whether its
    /// instance, or an instance it descends from, was stopped meanwhile: a stop marks before it reads the records, so
    /// if it came too early to see this one, this sees its mark, and stops the task itself (the task fails with the
    /// stop's error, though its instance is being terminated anyway). A task that cannot be recorded, or checked, is
    /// stopped too, and fails.
    /// </summary>
    private async Task RecordStartAsync(
        string instanceId, string key, DispatchContext context, ILongRunningTaskHandler handler, TaskProgress progress, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var poll = request with
        {
            Input = null,
            Context = null,
            History = null,
            InvocationKey = key,
            Phase = new TaskPhase(TaskPhase.Polling, AslJson.ToJsonString(progress.State), 1),
        };
        StopMark? stopped;
        try
        {
            await started.RecordAsync(request.ExecutionId, new StartedTask(instanceId, poll), cancellationToken);
            stopped = (await started.StoppedAsync(request.ExecutionId, cancellationToken))
                .FirstOrDefault(m => ExecutionIds.IsSelfOrDescendant(instanceId, m.InstanceId));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unrecorded (or unchecked), a stop could miss it: it does not run on.
            await handler.StopAsync(context.Invocation, progress.State, ErrorNames.TaskFailed, $"The started task could not be recorded or checked for a stop: {e.Message}", cancellationToken);
            throw;
        }

        if (stopped is not null)
        {
            await handler.StopAsync(context.Invocation, progress.State, stopped.Error, stopped.Cause, cancellationToken);
            await ForgetAsync(request.ExecutionId, key, cancellationToken);
            throw new AslException(stopped.Error, stopped.Cause);
        }
    }

    /// <summary>
    /// Forgets a task that ended. A record left behind (the store failed) costs only a repeated, idempotent stop if the
    /// execution is stopped later, so a failure here does not fail the task.
    /// </summary>
    private async Task ForgetAsync(string executionId, string key, CancellationToken cancellationToken)
    {
        try
        {
            await started.ForgetAsync(executionId, key, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left for a later stop to find again (see the summary).
        }
    }
}

/// <summary>Stores history events an orchestration buffered (at timers, branch batches, ContinueAsNew).</summary>
public sealed class RecordHistoryActivity(IExecutionHistoryStore history) : TaskActivity<HistoryBatch, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, HistoryBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await history.AppendAsync(input.ExecutionId, input.Events);
        return true;
    }
}
