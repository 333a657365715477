using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;

namespace Hybrid.Asl.Running;

/// <summary>
/// A task whose work outlives one call: the <c>.sync</c> integration pattern. The runner starts it, waits between
/// polls on its own clock (durable timers in the durable runner, never a blocked call), polls it until it ends, and stops
/// it when the task times out or the execution is stopped. Each method does I/O, so the durable runner calls it from an
/// activity, never from orchestrator code.
/// </summary>
/// <remarks>
/// Polls and stops get the invocation's resource, state name, attempt, credentials and <see cref="TaskInvocation.Scope"/>,
/// but not its input or context object again (they would be stored once per poll): keep what a poll needs in the state.
/// </remarks>
public interface ILongRunningTaskHandler
{
    /// <summary>Starts the work. It must be idempotent for the same <see cref="TaskScope.Key"/>: a crash can repeat it.</summary>
    ValueTask<TaskProgress> StartAsync(TaskInvocation invocation, CancellationToken cancellationToken);

    /// <summary>Looks at the work again. <paramref name="state"/> is what the last progress returned; <paramref name="poll"/> counts from 1.</summary>
    ValueTask<TaskProgress> PollAsync(TaskInvocation invocation, JsonNode? state, int poll, CancellationToken cancellationToken);

    /// <summary>Stops the work (best effort, idempotent): the task timed out, or its execution was stopped.</summary>
    ValueTask StopAsync(TaskInvocation invocation, JsonNode? state, string? error, string? cause, CancellationToken cancellationToken);
}

/// <summary>Where long-running work stands: finished with an output, or still running (look again after <see cref="PollAfter"/>).</summary>
public sealed record TaskProgress
{
    private TaskProgress(bool isDone, JsonNode? output, JsonNode? state, TimeSpan pollAfter)
    {
        IsDone = isDone;
        Output = output;
        State = state;
        PollAfter = pollAfter;
    }

    public bool IsDone { get; }

    /// <summary>The task's result, once done.</summary>
    public JsonNode? Output { get; }

    /// <summary>What the next poll needs (kept by the runner, in durable state for the durable runner).</summary>
    public JsonNode? State { get; }

    /// <summary>How long to wait before the next poll.</summary>
    public TimeSpan PollAfter { get; }

    public static TaskProgress Done(JsonNode? output) => new(true, output, null, TimeSpan.Zero);

    public static TaskProgress Running(JsonNode? state, TimeSpan pollAfter) => new(false, null, state, Check.NotNegative(pollAfter));
}
