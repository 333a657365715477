using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Running;
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
/// pipeline, and calls the handler registered for the resource. Task errors come back as data.
/// </summary>
public sealed class DispatchActivity(TaskHandlerRegistry handlers, IExecutionHistoryStore history, IEnumerable<IDispatchMiddleware> middlewares)
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
            var output = await InvokeAsync(dispatch, 0, CancellationToken.None);
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

    private ValueTask<JsonNode?> InvokeAsync(DispatchContext context, int index, CancellationToken cancellationToken) =>
        index < _middlewares.Length
            ? _middlewares[index].InvokeAsync(context, () => InvokeAsync(context, index + 1, cancellationToken), cancellationToken)
            : HandleAsync(context, cancellationToken);

    /// <summary>The end of the pipeline: the handler, or the start, poll or stop of a long-running one.</summary>
    private async ValueTask<JsonNode?> HandleAsync(DispatchContext context, CancellationToken cancellationToken)
    {
        var invocation = context.Invocation;
        if (!handlers.TryResolveLongRunning(invocation.Resource, out var handler))
        {
            return await handlers.InvokeAsync(invocation, cancellationToken);
        }

        var phase = context.Request.Phase;
        var state = phase?.State is null ? null : AslJson.Parse(phase.State);
        TaskProgress progress;
        switch (phase?.Kind)
        {
            case null:
                progress = await handler.StartAsync(invocation, cancellationToken);
                break;
            case TaskPhase.Polling:
                progress = await handler.PollAsync(invocation, state, phase.Poll, cancellationToken);
                break;
            case TaskPhase.Stopping:
                await handler.StopAsync(invocation, state, phase.Error, phase.Cause, cancellationToken);
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
