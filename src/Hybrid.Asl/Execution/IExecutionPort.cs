using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;

namespace Hybrid.Asl.Execution;

/// <summary>
/// Everything with an effect that the interpreter needs, in one port: call a task, wait until an instant, run
/// branches, the current time, new ids and random numbers. The direct runner implements it in-process; the durable
/// runner implements it on the Durable Task orchestration context. Both must give the same answers.
/// </summary>
public interface IExecutionPort
{
    /// <summary>The current instant, as the execution sees it (replay-safe in the durable runner).</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>Ids and random numbers for States.UUID, States.MathRandom and retry jitter.</summary>
    IEntropy Entropy { get; }

    /// <summary>
    /// A new task token for a <c>.waitForTaskToken</c> Task (<c>$$.Task.Token</c>). The port decides its form, since
    /// it is the port that must route SendTaskSuccess/Failure for it back to the waiting task.
    /// </summary>
    string NewTaskToken(string stateName);

    /// <summary>Invokes a Task state's resource. Task errors are raised as <see cref="AslException"/>.</summary>
    ValueTask<JsonNode?> InvokeTaskAsync(TaskInvocation invocation, CancellationToken cancellationToken);

    /// <summary>Returns when <paramref name="until"/> has passed (Wait states and Retry intervals).</summary>
    ValueTask WaitUntilAsync(DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Runs Parallel branches or Map iterations, at most <see cref="BranchBatch.MaxConcurrency"/> at a time (0 = no
    /// limit), and returns one outcome per branch, in order.
    /// </summary>
    ValueTask<IReadOnlyList<MachineOutcome>> RunBranchesAsync(BranchBatch batch, CancellationToken cancellationToken);
}

/// <summary>One invocation of a Task state's resource.</summary>
/// <param name="StateName">The Task state.</param>
/// <param name="Resource">The resource URI (an ARN, or a locally registered handler).</param>
/// <param name="Input">The effective input (after InputPath and Parameters).</param>
/// <param name="Attempt">0 for the first try, then 1, 2, ... for retries.</param>
/// <param name="TimeoutSeconds">The task's timeout, if set.</param>
/// <param name="HeartbeatSeconds">The task's heartbeat timeout, if set.</param>
/// <param name="Credentials">The Task's Credentials block, evaluated.</param>
/// <param name="ContextSource">Builds the context object ($$) at this point; read it through <see cref="Context"/>.</param>
/// <param name="Scope">Where the invocation runs and for whom, filled by the runner.</param>
public sealed record TaskInvocation(
    string StateName,
    string Resource,
    JsonNode? Input,
    int Attempt,
    double? TimeoutSeconds,
    double? HeartbeatSeconds,
    JsonNode? Credentials,
    Func<JsonObject> ContextSource,
    TaskScope? Scope = null)
{
    private JsonObject? _context;

    /// <summary>An invocation with a context object already built.</summary>
    public TaskInvocation(string stateName, string resource, JsonNode? input, int attempt, double? timeoutSeconds, double? heartbeatSeconds, JsonNode? credentials, JsonObject context, TaskScope? scope = null)
        : this(stateName, resource, input, attempt, timeoutSeconds, heartbeatSeconds, credentials, () => context, scope)
    {
    }

    /// <summary>A copy (<c>with</c>) builds its own context object, from its own <see cref="ContextSource"/>.</summary>
    private TaskInvocation(TaskInvocation original)
    {
        StateName = original.StateName;
        Resource = original.Resource;
        Input = original.Input;
        Attempt = original.Attempt;
        TimeoutSeconds = original.TimeoutSeconds;
        HeartbeatSeconds = original.HeartbeatSeconds;
        Credentials = original.Credentials;
        ContextSource = original.ContextSource;
        Scope = original.Scope;
    }

    /// <summary>
    /// The context object ($$) at this point, built on first read: a replayed durable call never reads it, and it
    /// holds a copy of the execution input.
    /// </summary>
    public JsonObject Context => _context ??= ContextSource();
}

/// <summary>Where a task invocation runs and for whom; the runner fills it in.</summary>
/// <param name="Key">
/// Unique to this invocation within its execution (a Retry or a loop back to the state is a new invocation), and the
/// same on every replay or redelivery of it: a handler derives idempotency keys from it, so that a crash never repeats
/// a side effect.
/// </param>
/// <param name="ExecutionId">The execution's id in its runner (a sealed token is bound to it).</param>
/// <param name="Subject">The caller's subject (the Ping <c>sub</c>), when the execution has a caller.</param>
/// <param name="SealedToken">The caller's token, sealed: opaque to the engine, only the host can unseal it.</param>
public sealed record TaskScope(string Key, string ExecutionId, string? Subject = null, string? SealedToken = null);

/// <summary>Branches to run: the nested machine (by pointer in the root definition) and one input per branch.</summary>
/// <param name="StateName">The Parallel or Map state.</param>
/// <param name="Branches">One run per branch or item, in order.</param>
/// <param name="MaxConcurrency">At most this many at a time; 0 means no limit.</param>
/// <param name="ToleratedFailures">
/// Once more branches than this have failed, start no more (AWS stops a Parallel or Map state at its first failure,
/// or when its tolerated failure threshold is exceeded); branches not started report <see cref="MachineStatus.Aborted"/>,
/// and so do running ones a runner stops then (the durable runner does, as AWS does; the direct runner lets them finish).
/// </param>
public sealed record BranchBatch(string StateName, IReadOnlyList<BranchRun> Branches, int MaxConcurrency, int ToleratedFailures);

/// <summary>One branch or one Map iteration.</summary>
/// <param name="MachinePointer">JSON pointer of the nested state machine in the root definition.</param>
/// <param name="Input">The branch's input.</param>
/// <param name="Variables">The variables the branch can read (a snapshot of the enclosing scope).</param>
/// <param name="MapItem">For Map iterations: <c>{"Index": n, "Value": item}</c>.</param>
public sealed record BranchRun(string MachinePointer, JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> Variables, JsonObject? MapItem);

/// <summary>How a state machine (or a branch) ended.</summary>
public enum MachineStatus
{
    Succeeded,
    Failed,
    TimedOut,
    Aborted,

    /// <summary>Stopped at a state boundary on request, to be resumed from <see cref="MachineOutcome.Continuation"/>.</summary>
    Suspended,
}

/// <summary>Where a suspended machine resumes: the next state, its input, and the variables in scope.</summary>
public sealed record Checkpoint(string StateName, JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> Variables);

/// <summary>The outcome of a state machine or a branch: its output, or its error.</summary>
public sealed record MachineOutcome(MachineStatus Status, JsonNode? Output, AslError? Error, Checkpoint? Continuation = null)
{
    public static MachineOutcome Success(JsonNode? output) => new(MachineStatus.Succeeded, output, null);

    public static MachineOutcome Failure(AslError error) => new(MachineStatus.Failed, null, error);
}
