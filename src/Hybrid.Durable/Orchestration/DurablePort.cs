using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using Hybrid.Asl.Model;
using Hybrid.Durable.Executions;
using Hybrid.Identity;
using Microsoft.DurableTask;

namespace Hybrid.Durable.Orchestration;

/// <summary>
/// The execution port on a Durable Task orchestration: tasks become calls to the one dispatch activity, waits become
/// durable timers, branches become sub-orchestrations (large Maps in chunks), time and entropy come from the context.
/// It also buffers the Step Functions history the interpreter records and stores it at its next durable step.
/// </summary>
internal sealed class DurablePort : IExecutionPort, IHistorySink
{
    private readonly TaskOrchestrationContext _context;
    private readonly MachineRun _run;
    private readonly StateMachine _machine;
    private readonly List<StoredEvent> _pending = [];
    private int _replayedPending;
    private readonly List<Task> _open = [];
    private readonly Dictionary<string, BranchSource> _branchDefinitions = new(StringComparer.Ordinal);
    private long _sequence;
    private int _children;
    private int _tasks;
    private TimeSpan _skipped;
    private string? _sealedToken;
    private string? _historyInstance;

    public DurablePort(TaskOrchestrationContext context, MachineRun run, StateMachine machine)
    {
        _context = context;
        _run = run;
        _machine = machine;
        _sealedToken = run.Execution.SealedToken;
        Entropy = new OrchestrationEntropy(context);
    }

    /// <summary>The execution with the caller's latest token (a fresh one may have replaced it), for children and ContinueAsNew.</summary>
    public ExecutionMeta CurrentExecution => _sealedToken == _run.Execution.SealedToken ? _run.Execution : _run.Execution with { SealedToken = _sealedToken };

    /// <summary>Durable operations (tasks, timers, branch batches) in this generation, for ContinueAsNew.</summary>
    public int Operations { get; private set; }

    /// <summary>
    /// The execution's clock. With <see cref="RunSettings.SkipWaits"/> it is virtual, as in <c>hybrid run --skip-waits</c>:
    /// the start time plus the waits skipped so far, whatever the real time; otherwise the orchestration's clock.
    /// </summary>
    public DateTimeOffset UtcNow => _run.Settings.SkipWaits
        ? _run.Execution.StartTime + _run.Settings.ClockOffset + _skipped
        : RealNow + _run.Settings.ClockOffset;

    private DateTimeOffset RealNow => new(DateTime.SpecifyKind(_context.CurrentUtcDateTime, DateTimeKind.Utc));

    /// <summary>The run settings with the waits skipped so far folded into the clock offset, for children and ContinueAsNew.</summary>
    public RunSettings CurrentSettings => _run.Settings with { ClockOffset = _run.Settings.ClockOffset + _skipped };

    /// <summary>A time on the execution's clock, as a time for a durable timer.</summary>
    private DateTime TimerTime(DateTimeOffset executionTime) => (RealNow + (executionTime - UtcNow)).UtcDateTime;

    public IEntropy Entropy { get; }

    private string HistoryInstance => _historyInstance ??= $"{_context.InstanceId}@{_run.Generation}";

    public string NewTaskToken(string stateName) => TaskTokens.Create(_context.InstanceId, _context.NewGuid());

    /// <summary>
    /// False while the orchestration replays: the events it records then were stored by an earlier episode (they went
    /// out with the durable call that followed them), so they are only counted, which keeps numbering and the pattern
    /// of <see cref="FlushAsync"/> calls the same as in that episode.
    /// </summary>
    public bool WantsPayloads => !_context.IsReplaying;

    public void Add(DateTimeOffset timestamp, string type, JsonObject? details)
    {
        if (_context.IsReplaying)
        {
            _sequence++;
            _replayedPending++;
        }
        else
        {
            _pending.Add(new StoredEvent(HistoryInstance, _sequence++, timestamp, type, details is null ? null : AslJson.ToJsonString(details)));
        }

        if (_run.IsRoot && type.EndsWith("StateEntered", StringComparison.Ordinal) && details?["stateEnteredEventDetails"]?["name"] is { } name)
        {
            _context.SetCustomStatus(new ExecutionProgress(name.GetValue<string>()));
        }
    }

    /// <summary>Events not yet stored; the caller takes them (into its output, or a parent's buffer).</summary>
    public IReadOnlyList<StoredEvent> TakePending()
    {
        var events = _pending.ToArray();
        _pending.Clear();
        _replayedPending = 0;
        return events;
    }

    /// <summary>Buffers the events a branch or chunk returned (only counted while replaying, as in <see cref="Add"/>).</summary>
    private void AddPending(IReadOnlyList<StoredEvent>? events)
    {
        if (_context.IsReplaying)
        {
            _replayedPending += events?.Count ?? 0;
        }
        else
        {
            _pending.AddRange(events ?? []);
        }
    }

    /// <summary>Stores the buffered events through the history activity (replays do not store them again).</summary>
    public async Task FlushAsync()
    {
        if (_pending.Count > 0 || _replayedPending > 0)
        {
            await _context.CallActivityAsync(DurableNames.RecordHistory, new HistoryBatch(_run.Execution.ExecutionId, TakePending()));
        }
    }

    /// <summary>
    /// Before the orchestrator returns or continues as new, when durable tasks it no longer waits for are still open (a
    /// call that lost the race with its timeout, branches stopped without waiting for their notices). Durable Task
    /// completes an orchestration only once every task it scheduled has answered, whatever the code returned earlier: it
    /// would complete in the episode of the last answer, where the code that recorded the last events runs as a replay
    /// and only counts them, and its output would carry none of them. So the buffered events are stored first, then the
    /// open tasks awaited (their outcomes are not used), and the code returns in the episode where the last one answers.
    /// </summary>
    public async Task SettleAsync()
    {
        var open = _open.Where(t => !t.IsCompleted).ToList();
        if (open.Count == 0)
        {
            return;
        }

        await FlushAsync();
        await Windowed.AwaitAllAsync(open);
    }

    /// <summary>A durable task the execution no longer waits for (see <see cref="SettleAsync"/>).</summary>
    private void LeaveOpen(Task task) => _open.Add(task);

    public async ValueTask<JsonNode?> InvokeTaskAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        Operations++;
        var key = $"{_context.InstanceId}@{_run.Generation}/{_tasks++}";

        // A replayed call's result comes from the history and its request is never sent (the runtime matches a call
        // to its recorded one by sequence and activity name), so none is built: it carries only the state's name, for
        // the replay tests to check.
        object Request() => _context.IsReplaying
            ? Replayed(invocation)
            : new DispatchRequest(
                _run.Execution.ExecutionId,
                _run.Execution.Workflow,
                invocation.StateName,
                invocation.Resource,
                AslJson.ToJsonString(invocation.Input),
                invocation.Attempt,
                invocation.TimeoutSeconds,
                Credentials(invocation),
                AslJson.ToJsonString(invocation.Context),
                _run.Execution.Subject,
                _sealedToken,
                TakePending(),
                key);
        var waitsForToken = invocation.Resource.EndsWith(".waitForTaskToken", StringComparison.Ordinal);
        DateTime? timeoutAt = null;

        // Dispatched again with a fresh token, the task's timeout starts again: no handler has run yet.
        var result = await DispatchWithFreshTokenAsync(() =>
        {
            timeoutAt = invocation.TimeoutSeconds is { } seconds ? TimerTime(UtcNow.AddSeconds(seconds)) : null;
            return DispatchAsync(Request(), invocation, key, waitsForToken ? null : timeoutAt);
        });

        if (result.Error is not null)
        {
            throw new AslException(result.Error, result.Cause ?? "");
        }

        if (result.Pending is { } pending)
        {
            return await WaitForLongRunningAsync(key, pending, invocation, timeoutAt);
        }

        if (!waitsForToken || result.CompletesTask)
        {
            return result.Output is null ? null : AslJson.Parse(result.Output);
        }

        var token = invocation.Context["Task"]?["Token"]?.GetValue<string>() ?? throw new InvalidOperationException("A .waitForTaskToken task has no token.");
        _ = TaskTokens.TryParse(token, out _, out var id);
        return await WaitForCallbackAsync(invocation, id!);
    }

    /// <summary>A replayed call's stand-in for its request; the events the request carried were stored with it, so they are only taken.</summary>
    private string Replayed(TaskInvocation invocation)
    {
        _ = TakePending();
        return invocation.StateName;
    }

    private static string? Credentials(TaskInvocation invocation) => invocation.Credentials is null ? null : AslJson.ToJsonString(invocation.Credentials);

    /// <summary>
    /// Polls a started long-running task: a durable timer, then a poll through the dispatch activity, until it ends (the
    /// handler's progress says how long to wait, so the backoff is recorded, not computed here). While it waits, the
    /// instance's custom status names it, so that stopping the execution stops it; a timeout stops it too.
    /// </summary>
    private async Task<JsonNode?> WaitForLongRunningAsync(string key, TaskPending pending, TaskInvocation invocation, DateTime? timeoutAt)
    {
        Add(UtcNow, "TaskSubmitted", !WantsPayloads ? null : new JsonObject
        {
            ["taskSubmittedEventDetails"] = new JsonObject
            {
                ["resource"] = invocation.Resource,
                ["output"] = pending.State,
                ["outputDetails"] = new JsonObject { ["truncated"] = false },
            },
        });
        // Built whole even while replaying (the start request is slim then): the first poll after a replay is really sent.
        // Each poll and stop carries the latest token (a poll refused for an expired one may have brought a fresh one).
        var template = PollTemplate(invocation, key);
        for (var poll = 1; ; poll++)
        {
            var phase = new TaskPhase(TaskPhase.Polling, pending.State, poll);
            DispatchRequest Waiting() => template with { SealedToken = _sealedToken, Phase = phase };
            _context.SetCustomStatus(new ExecutionProgress(invocation.StateName, Waiting()));
            Operations++;
            var due = _context.CurrentUtcDateTime.AddSeconds(pending.PollAfterSeconds);

            // Events recorded before a timer go out before it (a timer carries none); after the first poll there are none.
            await FlushAsync();
            if (timeoutAt is { } limit && due >= limit)
            {
                var cause = $"Task '{invocation.StateName}' did not finish within {invocation.TimeoutSeconds} seconds.";
                await _context.CreateTimer(limit, CancellationToken.None);
                var stop = new TaskPhase(TaskPhase.Stopping, pending.State, Error: ErrorNames.Timeout, Cause: cause);
                await DispatchWithFreshTokenAsync(() => _context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, Waiting() with { Phase = stop }));
                _context.SetCustomStatus(_run.IsRoot ? new ExecutionProgress(invocation.StateName) : null);
                throw new AslException(ErrorNames.Timeout, cause);
            }

            await _context.CreateTimer(due, CancellationToken.None);
            var result = await DispatchWithFreshTokenAsync(() => _context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, Waiting()));
            if (result.Pending is { } next && result.Error is null)
            {
                pending = next;
                continue;
            }

            _context.SetCustomStatus(_run.IsRoot ? new ExecutionProgress(invocation.StateName) : null);
            return result.Error is not null
                ? throw new AslException(result.Error, result.Cause ?? "")
                : result.Output is null ? null : AslJson.Parse(result.Output);
        }
    }

    /// <summary>The request that polls or stops a started long-running task (no input, context or events), with the latest token.</summary>
    private DispatchRequest PollTemplate(TaskInvocation invocation, string key) => new(
        _run.Execution.ExecutionId,
        _run.Execution.Workflow,
        invocation.StateName,
        invocation.Resource,
        null,
        invocation.Attempt,
        invocation.TimeoutSeconds,
        Credentials(invocation),
        null,
        _run.Execution.Subject,
        _sealedToken,
        null,
        key);

    /// <summary>
    /// Calls the dispatch activity; a task with a timeout (<paramref name="limit"/>) races it against a timer. A call that
    /// loses the race is left open, and if it turns out to have started a long-running task, that task is stopped: the
    /// Task state has already failed with <c>States.Timeout</c>, and nothing else would ever poll or stop it.
    /// </summary>
    private async Task<DispatchResult> DispatchAsync(object request, TaskInvocation invocation, string key, DateTime? limit)
    {
        var call = _context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, request);
        if (limit is { } at)
        {
            using var cts = new CancellationTokenSource();
            var timer = _context.CreateTimer(at, cts.Token);
            if (await Task.WhenAny(call, timer) == timer)
            {
                var cause = $"Task '{invocation.StateName}' did not finish within {invocation.TimeoutSeconds} seconds.";
                LeaveOpen(StopLateStartAsync(call, invocation, key, cause));
                throw new AslException(ErrorNames.Timeout, cause);
            }

            CancelTimers(cts);
        }

        return await call;
    }

    /// <summary>Stops the long-running task a call that lost the race with its timeout started, once it answers.</summary>
    private async Task StopLateStartAsync(Task<DispatchResult> call, TaskInvocation invocation, string key, string cause)
    {
        var result = await call;
        if (result.Pending is { } pending && result.Error is null)
        {
            var stop = new TaskPhase(TaskPhase.Stopping, pending.State, Error: ErrorNames.Timeout, Cause: cause);
            await _context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, PollTemplate(invocation, key) with { Phase = stop });
        }
    }

    /// <summary>
    /// Dispatches (a task's start, poll or stop); when the dispatch is refused because the caller's token expired and the
    /// execution waits for its caller to sign in again, pauses until a fresh token arrives (POST /api/executions/{id}/token),
    /// takes it as the execution's token and dispatches again (<paramref name="dispatch"/> builds the request with the
    /// latest token). After the bound, the refusal is the result, its cause naming the endpoint.
    /// </summary>
    private async Task<DispatchResult> DispatchWithFreshTokenAsync(Func<Task<DispatchResult>> dispatch)
    {
        var result = await dispatch();
        while (result.Error == IdentityErrors.TokenExpired && _run.Execution.ReauthenticationWait is { } wait)
        {
            if (await WaitForFreshTokenAsync(wait) is not { } fresh)
            {
                return result with { Cause = $"{result.Cause}; no fresh token was handed in within {wait} (POST /api/executions/{_run.Execution.ExecutionId}/token)" };
            }

            _sealedToken = fresh;
            result = await dispatch();
        }

        return result;
    }

    /// <summary>The sealed fresh token, or null when none arrived within <paramref name="wait"/> (real time, even with SkipWaits).</summary>
    private async Task<string?> WaitForFreshTokenAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource();
        var fresh = _context.WaitForExternalEvent<FreshToken>(FreshToken.EventName, cts.Token);
        var timer = _context.CreateTimer(RealNow.UtcDateTime + wait, cts.Token);
        var winner = await Task.WhenAny(fresh, timer);
        CancelTimers(cts);
        return winner == fresh ? (await fresh).SealedToken : null;
    }

    private async Task<JsonNode?> WaitForCallbackAsync(TaskInvocation invocation, string id)
    {
        using var cts = new CancellationTokenSource();
        var callback = _context.WaitForExternalEvent<TaskCallback>(TaskTokens.CallbackEvent(id), cts.Token);
        Task? timeout = invocation.TimeoutSeconds is { } seconds ? _context.CreateTimer(TimerTime(UtcNow.AddSeconds(seconds)), cts.Token) : null;
        while (true)
        {
            using var heartbeatCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            Task? heartbeatTimer = invocation.HeartbeatSeconds is { } hb ? _context.CreateTimer(TimerTime(UtcNow.AddSeconds(hb)), heartbeatCts.Token) : null;
            Task? heartbeat = heartbeatTimer is null ? null : _context.WaitForExternalEvent<TaskCallback>(TaskTokens.HeartbeatEvent(id), heartbeatCts.Token);
            var waits = new List<Task> { callback };
            if (timeout is not null)
            {
                waits.Add(timeout);
            }

            if (heartbeatTimer is not null)
            {
                waits.Add(heartbeatTimer);
                waits.Add(heartbeat!);
            }

            var winner = await Task.WhenAny(waits);
            if (winner == callback)
            {
                CancelTimers(cts);
                var answer = await callback;
                return answer.Kind == "success"
                    ? (answer.Output is null ? null : AslJson.Parse(answer.Output))
                    : throw new AslException(answer.Error ?? ErrorNames.TaskFailed, answer.Cause ?? "");
            }

            if (winner == timeout)
            {
                CancelTimers(cts);
                throw new AslException(ErrorNames.Timeout, $"Task '{invocation.StateName}' was not completed with its task token within {invocation.TimeoutSeconds} seconds.");
            }

            if (winner == heartbeatTimer)
            {
                CancelTimers(cts);
                throw new AslException(ErrorNames.HeartbeatTimeout, $"Task '{invocation.StateName}' sent no heartbeat within {invocation.HeartbeatSeconds} seconds.");
            }

            // A heartbeat: wait again with a fresh heartbeat timer.
            CancelTimers(heartbeatCts);
        }
    }

    /// <summary>
    /// Cancels durable timers and waits synchronously. Orchestrator code must never await a task that completes off
    /// the orchestration's thread (such as <see cref="CancellationTokenSource.CancelAsync"/>): the episode would end
    /// with the continuation still pending, and the orchestration would hang.
    /// </summary>
#pragma warning disable CA1849 // Deliberately synchronous: see above.
    internal static void CancelTimers(CancellationTokenSource source) => source.Cancel();
#pragma warning restore CA1849

    public async ValueTask WaitUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (until <= UtcNow)
        {
            return;
        }

        if (_run.Settings.SkipWaits)
        {
            _skipped += until - UtcNow;
            return;
        }

        Operations++;
        await FlushAsync();
        await _context.CreateTimer(TimerTime(until), CancellationToken.None);
    }

    public async ValueTask<IReadOnlyList<MachineOutcome>> RunBranchesAsync(BranchBatch batch, CancellationToken cancellationToken)
    {
        Operations++;
        await FlushAsync();
        var variables = batch.Branches.Count > 0 ? VariablesText(batch.Branches[0].Variables) : null;
        var chunk = Math.Max(1, _run.Settings.MapChunkSize);
        var samePointer = batch.Branches.Count > 0 && batch.Branches.All(b => b.MachinePointer == batch.Branches[0].MachinePointer);
        RunOutcome?[] outcomes;
        if (samePointer && batch.Branches.Count > chunk)
        {
            outcomes = await RunChunksAsync(batch, variables, chunk);
        }
        else
        {
            outcomes = await Windowed.RunAsync(
                _context,
                batch.Branches.Count,
                batch.MaxConcurrency,
                batch.ToleratedFailures,
                _ => NextChildId(),
                (i, id) => _context.CallSubOrchestratorAsync<RunOutcome>(
                    DurableNames.Machine,
                    BranchRunFor(batch.Branches[i], variables),
                    new SubOrchestrationOptions { InstanceId = id }),
                IsFailure,
                _run.Settings.StopWait,
                LeaveOpen);
        }

        var results = new MachineOutcome[outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] is { } outcome)
            {
                AddPending(outcome.PendingEvents);
                results[i] = outcome.ToMachineOutcome();
            }
            else
            {
                results[i] = new MachineOutcome(MachineStatus.Aborted, null, null);
            }
        }

        return results;
    }

    private async Task<RunOutcome?[]> RunChunksAsync(BranchBatch batch, string? variables, int chunk)
    {
        var branch = BranchDefinition(batch.Branches[0].MachinePointer);
        var chunks = (batch.Branches.Count + chunk - 1) / chunk;
        var limit = batch.MaxConcurrency <= 0 ? 0 : Math.Max(1, batch.MaxConcurrency / chunk);
        var inner = batch.MaxConcurrency <= 0 ? 0 : Math.Min(batch.MaxConcurrency, chunk);
        var chunkOutcomes = await Windowed.RunAsync(
            _context,
            chunks,
            limit,
            batch.ToleratedFailures,
            _ => NextChildId(),
            (c, id) =>
            {
                var items = new List<BatchItem>(chunk);
                for (var i = c * chunk; i < Math.Min(batch.Branches.Count, (c + 1) * chunk); i++)
                {
                    items.Add(new BatchItem(AslJson.ToJsonString(batch.Branches[i].Input), batch.Branches[i].MapItem is { } item ? AslJson.ToJsonString(item) : null));
                }

                return _context.CallSubOrchestratorAsync<BatchOutcome>(
                    DurableNames.Batch,
                    new BatchRun(branch.Text, items, ExecutionFor(branch), variables, _run.DeadlineUtc, inner, batch.ToleratedFailures, CurrentSettings),
                    new SubOrchestrationOptions { InstanceId = id });
            },
            outcome => outcome.Failures,
            _run.Settings.StopWait,
            LeaveOpen);

        var all = new RunOutcome?[batch.Branches.Count];
        for (var c = 0; c < chunkOutcomes.Length; c++)
        {
            if (chunkOutcomes[c] is not { } outcome)
            {
                continue;
            }

            AddPending(outcome.PendingEvents);
            for (var i = 0; i < outcome.Outcomes.Count; i++)
            {
                all[(c * chunk) + i] = outcome.Outcomes[i];
            }
        }

        return all;
    }

    internal static int IsFailure(RunOutcome outcome) => outcome.Status == "SUCCEEDED" ? 0 : 1;

    private MachineRun BranchRunFor(BranchRun branch, string? variables)
    {
        var source = BranchDefinition(branch.MachinePointer);
        return new(
            source.Text,
            AslJson.ToJsonString(branch.Input),
            ExecutionFor(source),
            IsRoot: false,
            variables,
            branch.MapItem is null ? null : AslJson.ToJsonString(branch.MapItem),
            _run.DeadlineUtc,
            Resume: null,
            Generation: 0,
            CurrentSettings);
    }

    /// <summary>
    /// The execution as a branch's messages carry it: without the execution's input when nothing in the branch can read
    /// it, so that a Map's iterations do not each carry a copy of an input that may hold all their items.
    /// </summary>
    private ExecutionMeta ExecutionFor(BranchSource branch) =>
        branch.ReadsExecutionInput ? CurrentExecution : CurrentExecution with { Input = null };

    private string NextChildId() => $"{_context.InstanceId}~{_run.Generation}.{_children++}";

    private static string? VariablesText(IReadOnlyDictionary<string, JsonNode?> variables)
    {
        if (variables.Count == 0)
        {
            return null;
        }

        var obj = new JsonObject();
        foreach (var (name, value) in variables)
        {
            obj[name] = AslJson.Adopt(value)?.DeepClone();
        }

        return AslJson.ToJsonString(obj);
    }

    /// <summary>A nested machine as a definition of its own (ProcessorConfig dropped, the query language kept).</summary>
    private BranchSource BranchDefinition(string pointer)
    {
        if (_branchDefinitions.TryGetValue(pointer, out var source))
        {
            return source;
        }

        var machine = _machine.FindMachine(pointer) ?? throw new InvalidOperationException($"No branch at '{pointer}'.");
        var copy = new JsonObject();
        foreach (var (key, value) in machine.Source)
        {
            if (key != "ProcessorConfig")
            {
                copy[key] = value?.DeepClone();
            }
        }

        copy["QueryLanguage"] = machine.QueryLanguage == QueryLanguage.Jsonata ? "JSONata" : "JSONPath";
        source = new BranchSource(AslJson.ToJsonString(copy)!, MayReadExecutionInput(copy));
        _branchDefinitions[pointer] = source;
        return source;
    }

    /// <summary>
    /// Whether a machine may read <c>$$.Execution.Input</c>: conservatively, when any of its strings mentions the context
    /// object (<c>$$</c> in JSONPath, <c>$states</c> in JSONata) or it has anything with a <c>Resource</c> (a task handler,
    /// an item reader or a result writer is given the context object).
    /// </summary>
    internal static bool MayReadExecutionInput(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => p.Key == "Resource" || MayReadExecutionInput(p.Value)),
        JsonArray array => array.Any(MayReadExecutionInput),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String =>
            value.GetValue<string>() is var text && (text.Contains("$$", StringComparison.Ordinal) || text.Contains("$states", StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>A branch's definition text, and whether it may read the execution's input.</summary>
    private readonly record struct BranchSource(string Text, bool ReadsExecutionInput);
}

/// <summary>
/// The custom status of a running execution: the state it is in. An instance (the execution, or a branch) that waits
/// for a long-running task also names it in <paramref name="Waiting"/>, so that stopping the execution can stop it too.
/// </summary>
public sealed record ExecutionProgress(
    string State,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DispatchRequest? Waiting = null);

/// <summary>Events to store for an execution.</summary>
public sealed record HistoryBatch(string ExecutionId, [property: System.Text.Json.Serialization.JsonConverter(typeof(StoredEventListConverter))] IReadOnlyList<StoredEvent> Events);

/// <summary>What a chunk of Map iterations returns.</summary>
public sealed record BatchOutcome(IReadOnlyList<RunOutcome?> Outcomes, int Failures, [property: System.Text.Json.Serialization.JsonConverter(typeof(StoredEventListConverter))] IReadOnlyList<StoredEvent>? PendingEvents);

/// <summary>
/// Runs n sub-orchestrations at most <c>limit</c> at a time. Once more than <c>tolerated</c> have failed it starts no
/// more and, as Step Functions does, waits for none of the running ones: it stops them (their instances terminated
/// recursively, their long-running tasks stopped) through the <see cref="DurableNames.StopInstances"/> activity, a
/// durable call, so a replay takes the same path. Children not finished report null.
/// </summary>
internal static class Windowed
{
    /// <summary>The reason a stopped branch's long-running tasks are given.</summary>
    public const string StopCause = "Another branch or iteration of the state failed, so the state stopped this one.";

    /// <summary>
    /// Runs the children. After stopping the running ones it waits for their notices at most <c>stopWait</c>; each one
    /// whose notice had not come by then goes to <c>leftOpen</c>, and the caller must await it before it returns (see
    /// <see cref="DurablePort.SettleAsync"/>).
    /// </summary>
    public static async Task<T?[]> RunAsync<T>(
        TaskOrchestrationContext context,
        int count,
        int limit,
        int tolerated,
        Func<int, string> idOf,
        Func<int, string, Task<T>> start,
        Func<T, int> failuresOf,
        TimeSpan stopWait,
        Action<Task> leftOpen)
        where T : class
    {
        var results = new T?[count];
        var running = new List<(Task<T> Task, int Index, string Id)>();
        var next = 0;
        var failures = 0;
        var max = limit <= 0 ? int.MaxValue : limit;
        while (next < count || running.Count > 0)
        {
            if (failures > tolerated)
            {
                if (running.Count > 0)
                {
                    var ids = running.Select(r => r.Id).ToList();
                    await context.CallActivityAsync<bool>(
                        DurableNames.StopInstances,
                        new StopInstancesRequest(ids, ErrorNames.BranchFailed, StopCause, $"{ids[0]}~stop"));
                    await AwaitStoppedAsync(context, running.Select(r => (Task)r.Task).ToList(), stopWait);
                    foreach (var (task, _, _) in running.Where(r => !r.Task.IsCompleted))
                    {
                        leftOpen(task);
                    }
                }

                break;
            }

            while (next < count && running.Count < max)
            {
                var id = idOf(next);
                running.Add((start(next, id), next, id));
                next++;
            }

            var done = await Task.WhenAny(running.Select(r => r.Task));
            var position = running.FindIndex(r => r.Task == done);
            var index = running[position].Index;
            running.RemoveAt(position);
            results[index] = await done;
            failures += failuresOf(results[index]!);
        }

        return results;
    }

    /// <summary>Waits until every task has ended, however it ended (their outcomes are not used).</summary>
    public static async Task AwaitAllAsync(IReadOnlyCollection<Task> tasks)
    {
        var all = Task.WhenAll(tasks);
        await Task.WhenAny(all);
        _ = all.Exception;
    }

    /// <summary>
    /// Waits, at most <paramref name="wait"/>, for the notices of the stopped children (a terminated sub-orchestration
    /// tells its parent it failed; they normally come at once). Durable Task does not complete the parent before they
    /// have all come anyway; waiting here lets the state fail in the episode where they come. The children's outcomes
    /// are not used: they were stopped. A zero wait does not wait.
    /// </summary>
    private static async Task AwaitStoppedAsync(TaskOrchestrationContext context, List<Task> stopped, TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var cts = new CancellationTokenSource();
        var all = Task.WhenAll(stopped);
        var timer = context.CreateTimer(context.CurrentUtcDateTime + wait, cts.Token);
        if (await Task.WhenAny(all, timer) == all)
        {
            DurablePort.CancelTimers(cts);
        }

        _ = all.Exception;
    }
}
