using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using Hybrid.Asl.Model;

namespace Hybrid.Asl.Execution;

/// <summary>Limits the interpreter enforces.</summary>
public sealed record InterpreterOptions
{
    /// <summary>The largest payload (UTF-8 bytes) a state may pass on: 256 KiB, as in AWS.</summary>
    public long MaxPayloadBytes { get; init; } = 256 * 1024;

    /// <summary>How far in the future a Wait may end before it is refused with States.Runtime.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromDays(366);

    /// <summary>
    /// Asked before each state of the machine an interpreter call runs (not of nested branches): when it answers true,
    /// the run stops there with <see cref="MachineStatus.Suspended"/> and a <see cref="Checkpoint"/>. The durable runner
    /// uses it to roll long executions over with ContinueAsNew.
    /// </summary>
    public Func<bool>? SuspendBeforeNextState { get; init; }

    public static InterpreterOptions Default { get; } = new();
}

/// <summary>
/// Walks a state machine: the specification's processing order for every state type, Retry and Catch, variables,
/// the context object and history. It has no effects of its own: everything goes through the <see cref="IExecutionPort"/>.
/// </summary>
public sealed class Interpreter
{
    private readonly StateMachine _root;
    private readonly IExecutionPort _port;
    private readonly IHistorySink? _history;
    private readonly InterpreterOptions _options;
    private JsonataRuntime? _jsonata;

    public Interpreter(StateMachine root, IExecutionPort port, IHistorySink? history = null, InterpreterOptions? options = null)
    {
        _root = root;
        _port = port;
        _history = history;
        _options = options ?? InterpreterOptions.Default;
    }

    /// <summary>
    /// The JSONata functions bound to this run's entropy, built on first use: binding them parses their signatures,
    /// which a JSONPath machine, or a durable episode that replays no JSONata state, should not pay for. Branches
    /// may ask from several threads; the first one built is kept.
    /// </summary>
    private JsonataRuntime Jsonata => _jsonata ?? LazyInitializer.EnsureInitialized(ref _jsonata, () => new JsonataRuntime(_port.Entropy));

    /// <summary>Runs a whole execution: its start and end events, the execution timeout, the input size limit.</summary>
    public ValueTask<MachineOutcome> RunExecutionAsync(ExecutionInfo execution, CancellationToken cancellationToken = default) =>
        RunExecutionAsync(execution, null, cancellationToken);

    /// <summary>
    /// Runs a whole execution, or resumes one from a checkpoint (after ContinueAsNew): a resumed run records no
    /// ExecutionStarted event and starts at the checkpoint's state with its input and variables.
    /// </summary>
    public async ValueTask<MachineOutcome> RunExecutionAsync(ExecutionInfo execution, Checkpoint? resume, CancellationToken cancellationToken = default)
    {
        if (resume is null)
        {
            Record("ExecutionStarted", new JsonObject
            {
                ["executionStartedEventDetails"] = new JsonObject
                {
                    ["input"] = WantsPayloads ? HistoryEvents.Payload(execution.Input) : null,
                    ["roleArn"] = execution.RoleArn,
                },
            });
        }

        DateTimeOffset? deadline = _root.TimeoutSeconds is { } timeout ? execution.StartTime.AddSeconds(timeout) : null;
        MachineOutcome outcome;
        if (AslJson.Utf8Size(execution.Input) > _options.MaxPayloadBytes)
        {
            outcome = MachineOutcome.Failure(new AslError(ErrorNames.DataLimitExceeded, $"The execution input exceeds the maximum size of {_options.MaxPayloadBytes} bytes."));
        }
        else
        {
            var variables = resume is null ? new Dictionary<string, JsonNode?>(StringComparer.Ordinal) : new Dictionary<string, JsonNode?>(resume.Variables, StringComparer.Ordinal);
            var scope = new Scope(execution, variables, deadline) { CheckedPayload = resume is null ? execution.Input : resume.Input };
            try
            {
                outcome = await RunMachineAsync(_root, resume?.Input ?? execution.Input, scope, cancellationToken, resume?.StateName, suspendable: true);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcome = new MachineOutcome(MachineStatus.Aborted, null, new AslError(ErrorNames.Aborted, "The execution was stopped."));
            }
        }

        switch (outcome.Status)
        {
            case MachineStatus.Suspended:
                break;
            case MachineStatus.Succeeded:
                Record("ExecutionSucceeded", HistoryEvents.Output("executionSucceededEventDetails", outcome.Output));
                break;
            case MachineStatus.TimedOut:
                Record("ExecutionTimedOut", HistoryEvents.Failure("executionTimedOutEventDetails", outcome.Error?.Error, outcome.Error?.Cause));
                break;
            case MachineStatus.Aborted:
                Record("ExecutionAborted", HistoryEvents.Failure("executionAbortedEventDetails", outcome.Error?.Error, outcome.Error?.Cause));
                break;
            default:
                Record("ExecutionFailed", HistoryEvents.Failure("executionFailedEventDetails", outcome.Error?.Error, outcome.Error?.Cause));
                break;
        }

        return outcome;
    }

    /// <summary>
    /// Runs one Parallel branch or Map iteration (called by the port's branch runner), or resumes one from a
    /// checkpoint; a branch can be suspended like an execution.
    /// </summary>
    public async ValueTask<MachineOutcome> RunBranchAsync(BranchRun branch, ExecutionInfo execution, DateTimeOffset? deadline, CancellationToken cancellationToken = default, Checkpoint? resume = null)
    {
        var machine = _root.FindMachine(branch.MachinePointer)
            ?? throw new ArgumentException($"No branch or item processor at '{branch.MachinePointer}' in this state machine.", nameof(branch));
        var scope = new Scope(execution, new Dictionary<string, JsonNode?>(resume?.Variables ?? branch.Variables, StringComparer.Ordinal), deadline);
        return await RunMachineAsync(machine, resume?.Input ?? branch.Input, scope, cancellationToken, resume?.StateName, suspendable: true);
    }

    private async ValueTask<MachineOutcome> RunMachineAsync(StateMachine machine, JsonNode? input, Scope scope, CancellationToken cancellationToken, string? startAt = null, bool suspendable = false)
    {
        var current = startAt ?? machine.StartAt;
        if (!machine.States.ContainsKey(current))
        {
            throw new ArgumentException($"Cannot resume at '{current}': the state machine has no such state.", nameof(startAt));
        }

        var first = true;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (suspendable && !first && _options.SuspendBeforeNextState?.Invoke() == true)
            {
                return new MachineOutcome(MachineStatus.Suspended, null, null, new Checkpoint(current, input, new Dictionary<string, JsonNode?>(scope.Variables, StringComparer.Ordinal)));
            }

            first = false;
            if (scope.Deadline is { } deadline && _port.UtcNow >= deadline)
            {
                return TimedOut();
            }

            var state = machine.States[current];
            if (_history is not null)
            {
                Record(HistoryEvents.Entered(state.Type), HistoryEvents.StateEntered(state.Name, WantsPayloads ? input : null));
            }

            StepResult step;
            try
            {
                step = await RunStateAsync(state, input, scope, cancellationToken);
            }
            catch (AslException e)
            {
                return MachineOutcome.Failure(e.ToError());
            }
            catch (ExecutionTimedOutException)
            {
                return TimedOut();
            }

            if (_history is not null && state.Type is not StateType.Fail)
            {
                Record(HistoryEvents.Exited(state.Type), WantsPayloads ? HistoryEvents.StateExited(state.Name, step.Output) : null);
            }

            if (step.Next is null)
            {
                return MachineOutcome.Success(step.Output);
            }

            current = step.Next;
            input = step.Output;
        }
    }

    private static MachineOutcome TimedOut() =>
        new(MachineStatus.TimedOut, null, new AslError(ErrorNames.Timeout, "The execution timed out."));

    private async ValueTask<StepResult> RunStateAsync(State state, JsonNode? input, Scope scope, CancellationToken cancellationToken)
    {
        if (state is not WorkState work)
        {
            return await RunOnceAsync(state, input, scope, 0, cancellationToken);
        }

        int[]? retryCounts = null;
        var attempt = 0;
        while (true)
        {
            try
            {
                return await RunOnceAsync(state, input, scope, attempt, cancellationToken);
            }
            catch (AslException e) when (e.Error != ErrorNames.Runtime)
            {
                var retrier = FindRetrier(work.Retry, e.Error);
                if (retrier >= 0)
                {
                    retryCounts ??= new int[work.Retry.Count];
                    var policy = work.Retry[retrier];
                    if (retryCounts[retrier] < policy.MaxAttempts)
                    {
                        var delay = RetryDelay(policy, retryCounts[retrier]);
                        retryCounts[retrier]++;
                        attempt++;
                        await WaitAsync(_port.UtcNow + delay, scope, cancellationToken);
                        continue;
                    }
                }

                foreach (var catcher in work.Catch)
                {
                    if (ErrorMatches(catcher.ErrorEquals, e.Error))
                    {
                        var errorOutput = new JsonObject { ["Error"] = e.Error, ["Cause"] = e.Cause };
                        var context = Context(input, scope, state, attempt);
                        var js = JsonataScopeFor(state, context)?.WithErrorOutput(errorOutput);
                        var output = js is null ? ApplyResultPath(input, errorOutput, catcher.ResultPath) : Output(catcher.Output, errorOutput, js);
                        CheckPayload(output, state.Name);
                        Assign(catcher.Assign, context.WithInput(errorOutput), scope, js: js);
                        return new StepResult(output, catcher.Next);
                    }
                }

                throw;
            }
        }
    }

    private TimeSpan RetryDelay(Retrier policy, int retriesSoFar)
    {
        var seconds = policy.IntervalSeconds * Math.Pow(policy.BackoffRate, retriesSoFar);
        if (policy.MaxDelaySeconds is { } max)
        {
            seconds = Math.Min(seconds, max);
        }

        seconds = Math.Min(seconds, 99_999_999);
        if (policy.JitterStrategy == JitterStrategy.Full)
        {
            var millis = (long)(seconds * 1000);
            return TimeSpan.FromMilliseconds(_port.Entropy.NextInt64(0, millis + 1));
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static int FindRetrier(IReadOnlyList<Retrier> retry, string error)
    {
        for (var i = 0; i < retry.Count; i++)
        {
            if (ErrorMatches(retry[i].ErrorEquals, error))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether an ErrorEquals list matches an error. States.ALL matches everything but States.Runtime (which nothing
    /// can retry or catch); States.TaskFailed matches everything but States.Runtime and States.Timeout. AWS's docs say
    /// States.ALL cannot catch States.DataLimitExceeded, but executions recorded against AWS show that it does.
    /// </summary>
    internal static bool ErrorMatches(IReadOnlyList<string> errorEquals, string error)
    {
        if (error == ErrorNames.Runtime)
        {
            return false;
        }

        foreach (var name in errorEquals)
        {
            if (name == error || name == ErrorNames.All || (name == ErrorNames.TaskFailed && error != ErrorNames.Timeout))
            {
                return true;
            }
        }

        return false;
    }

    private ValueTask<StepResult> RunOnceAsync(State state, JsonNode? input, Scope scope, int attempt, CancellationToken cancellationToken) => state switch
    {
        PassState pass => ValueTask.FromResult(RunPass(pass, input, scope)),
        TaskState task => RunTaskAsync(task, input, scope, attempt, cancellationToken),
        ChoiceState choice => ValueTask.FromResult(RunChoice(choice, input, scope)),
        WaitState wait => RunWaitAsync(wait, input, scope, cancellationToken),
        SucceedState succeed => ValueTask.FromResult(RunSucceed(succeed, input, scope)),
        FailState fail => throw RunFail(fail, input, scope),
        ParallelState parallel => RunParallelAsync(parallel, input, scope, attempt, cancellationToken),
        MapState map => RunMapAsync(map, input, scope, attempt, cancellationToken),
        _ => throw new AslException(ErrorNames.Runtime, $"Unsupported state type {state.Type}."),
    };

    private StepResult RunSucceed(SucceedState succeed, JsonNode? input, Scope scope)
    {
        var effective = ApplyInputPath(succeed, input, scope);
        var js = succeed.Output is null ? null : JsonataScopeFor(succeed, Context(effective, scope, succeed, 0));
        return new StepResult(Finish(succeed, Output(succeed.Output, effective, js), scope), null);
    }

    private StepResult RunPass(PassState pass, JsonNode? input, Scope scope)
    {
        if (pass.QueryLanguage == QueryLanguage.Jsonata)
        {
            var passContext = Context(input, scope, pass, 0);
            var js = JsonataScopeFor(pass, passContext);
            var passed = Finish(pass, Output(pass.Output, input, js), scope);
            Assign(pass.Assign, passContext, scope, js: js);
            return new StepResult(passed, pass.Next);
        }

        var effective = ApplyInputPath(pass, input, scope);
        JsonNode? result;
        ExpressionContext? context = null;
        if (pass.Parameters is not null)
        {
            context = Context(effective, scope, pass, 0);
            result = pass.Parameters.Compiled.Evaluate(context, ErrorNames.Runtime);
        }
        else
        {
            result = pass.HasResult ? pass.Result : effective;
        }

        var output = Finish(pass, ApplyResultPath(input, result, pass.ResultPath), scope);
        if (pass.Assign is not null)
        {
            Assign(pass.Assign, (context ?? Context(effective, scope, pass, 0)).WithInput(result), scope);
        }
        return new StepResult(output, pass.Next);
    }

    private async ValueTask<StepResult> RunTaskAsync(TaskState task, JsonNode? input, Scope scope, int attempt, CancellationToken cancellationToken)
    {
        var effective = ApplyInputPath(task, input, scope);
        var token = task.Resource.EndsWith(".waitForTaskToken", StringComparison.Ordinal) ? _port.NewTaskToken(task.Name) : null;
        var context = Context(effective, scope, task, attempt, taskToken: token);
        var js = JsonataScopeFor(task, context);
        var parameters = task.Parameters is null ? effective : Evaluate(task.Parameters, context, js, "Arguments");
        var timeout = ResolveNumber(task.TimeoutSeconds, context, js, "TimeoutSeconds", positive: true);
        var heartbeat = ResolveNumber(task.HeartbeatSeconds, context, js, "HeartbeatSeconds", positive: true);
        var credentials = task.Credentials is null ? null : Evaluate(task.Credentials, context, js, "Credentials");

        if (_history is not null)
        {
            Record("TaskScheduled", !WantsPayloads ? null : new JsonObject
            {
                ["taskScheduledEventDetails"] = new JsonObject
                {
                    ["resource"] = task.Resource,
                    ["parameters"] = HistoryEvents.Payload(parameters),
                    ["timeoutInSeconds"] = timeout,
                    ["heartbeatInSeconds"] = heartbeat,
                },
            });
            Record("TaskStarted", !WantsPayloads ? null : new JsonObject { ["taskStartedEventDetails"] = new JsonObject { ["resource"] = task.Resource } });
        }

        JsonNode? result;
        try
        {
            result = await _port.InvokeTaskAsync(new TaskInvocation(task.Name, task.Resource, parameters, attempt, timeout, heartbeat, credentials, () => context.Context as JsonObject ?? new JsonObject()), cancellationToken);
        }
        catch (AslException e)
        {
            Record(e.Error == ErrorNames.Timeout ? "TaskTimedOut" : "TaskFailed", HistoryEvents.Failure(e.Error == ErrorNames.Timeout ? "taskTimedOutEventDetails" : "taskFailedEventDetails", e.Error, e.Cause));
            throw;
        }

        if (_history is not null)
        {
            Record("TaskSucceeded", WantsPayloads ? HistoryEvents.Output("taskSucceededEventDetails", result) : null);
        }

        CheckPayload(result, task.Name);
        return Complete(task, input, result, scope, context, js);
    }

    /// <summary>
    /// The shared tail of Task, Parallel and Map: ResultSelector, ResultPath, OutputPath, then Assign (JSONPath); or
    /// Output and Assign, both reading <c>$states.result</c> and the variables as they were (JSONata).
    /// </summary>
    private StepResult Complete(WorkState state, JsonNode? rawInput, JsonNode? result, Scope scope, ExpressionContext context, JsonataScope? js)
    {
        if (js is not null)
        {
            var withResult = js.WithResult(result);
            var stateOutput = Finish(state, Output(state.Output, result, withResult), scope);
            Assign(state.Assign, context, scope, js: withResult);
            return new StepResult(stateOutput, state.Next);
        }

        var selected = state.ResultSelector is null ? result : state.ResultSelector.Compiled.Evaluate(context.WithInput(result), ErrorNames.Runtime);
        var output = Finish(state, ApplyResultPath(rawInput, selected, state.ResultPath), scope);
        Assign(state.Assign, context.WithInput(selected), scope);
        return new StepResult(output, state.Next);
    }

    private StepResult RunChoice(ChoiceState choice, JsonNode? input, Scope scope)
    {
        var effective = ApplyInputPath(choice, input, scope);
        var context = Context(effective, scope, choice, 0);
        var js = JsonataScopeFor(choice, context);
        foreach (var branch in choice.Choices)
        {
            if (branch.Rule is ConditionRule condition ? Condition(condition, js!) : ChoiceEvaluator.Evaluate(branch.Rule, context))
            {
                var output = Finish(choice, Output(branch.Output ?? choice.Output, effective, js), scope);
                Assign(choice.Assign, context, scope, branch.Assign, js);
                return new StepResult(output, branch.Next);
            }
        }

        if (choice.Default is null)
        {
            throw new AslException(ErrorNames.NoChoiceMatched, $"No Choice Rules matched in state '{choice.Name}' and no Default was given.");
        }

        var defaultOutput = Finish(choice, Output(choice.Output, effective, js), scope);
        Assign(choice.Assign, context, scope, js: js);
        return new StepResult(defaultOutput, choice.Default);
    }

    private static bool Condition(ConditionRule rule, JsonataScope js)
    {
        var value = rule.Condition.Jsonata.Evaluate(js, "Condition");
        return value is JsonValue v && v.TryGetValue<bool>(out var matched)
            ? matched
            : throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.WrongType("Condition", "boolean", value));
    }

    private async ValueTask<StepResult> RunWaitAsync(WaitState wait, JsonNode? input, Scope scope, CancellationToken cancellationToken)
    {
        var effective = ApplyInputPath(wait, input, scope);
        var context = Context(effective, scope, wait, 0);
        var js = JsonataScopeFor(wait, context);
        var now = _port.UtcNow;
        DateTimeOffset until;
        if (wait.Seconds is { } seconds)
        {
            until = now.AddSeconds(seconds);
        }
        else if (wait.Timestamp is { } timestamp)
        {
            until = timestamp;
        }
        else if (wait.SecondsExpression is { } secondsExpression)
        {
            var value = secondsExpression.Jsonata.Evaluate(js!, "Seconds");
            if (!JsonNumbers.TryGetInt64(value, out var s) || s < 0 || s > 99_999_999)
            {
                throw new AslException(ErrorNames.QueryEvaluationError, JsonNumbers.IsNumber(value)
                    ? $"The Seconds field must be a whole number from 0 to 99999999, but its JSONata expression returned {AslJson.ToJsonString(value)}."
                    : JsonataErrors.WrongType("Seconds", "number", value));
            }

            until = now.AddSeconds(s);
        }
        else if (wait.TimestampExpression is { } timestampExpression)
        {
            var value = timestampExpression.Jsonata.Evaluate(js!, "Timestamp");
            if (!AslJson.TryGetString(value, out var text))
            {
                throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.WrongType("Timestamp", "string", value));
            }

            if (!Rfc3339.TryParse(text, out until))
            {
                throw new AslException(ErrorNames.QueryEvaluationError, $"The Timestamp field's JSONata expression returned '{text}', which is not an ISO-8601 extended offset date-time format string.");
            }
        }
        else if (wait.SecondsPath is { } secondsPath)
        {
            var value = secondsPath.EvaluateField(context, ErrorNames.Runtime);
            if (!JsonNumbers.TryGetInt64(value, out var s) || s < 0)
            {
                throw new AslException(ErrorNames.Runtime, $"The SecondsPath parameter does not reference a valid non-negative integer: {AslJson.ToJsonString(value)}");
            }

            until = now.AddSeconds(s);
        }
        else
        {
            var value = wait.TimestampPath!.EvaluateField(context, ErrorNames.Runtime);
            if (!AslJson.TryGetString(value, out var text) || !Rfc3339.TryParse(text, out until))
            {
                throw new AslException(ErrorNames.Runtime, $"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {AslJson.ToJsonString(value)}");
            }
        }

        if (until - now > _options.MaxWait)
        {
            throw new AslException(ErrorNames.Runtime, $"The Wait state '{wait.Name}' would end at {ExecutionInfo.FormatTime(until)}, more than {_options.MaxWait.TotalDays:0} days from now.");
        }

        await WaitAsync(until, scope, cancellationToken);
        var output = Finish(wait, Output(wait.Output, effective, js), scope);
        Assign(wait.Assign, context, scope, js: js);
        return new StepResult(output, wait.Next);
    }

    private AslException RunFail(FailState fail, JsonNode? input, Scope scope)
    {
        var context = Context(input, scope, fail, 0);
        var js = JsonataScopeFor(fail, context);
        var error = fail.Error ?? (fail.ErrorPath is null ? null : FailField(fail.ErrorPath, context, "ErrorPath")) ?? FailField(fail.ErrorExpression, js, "Error");
        var cause = fail.Cause ?? (fail.CausePath is null ? null : FailField(fail.CausePath, context, "CausePath")) ?? FailField(fail.CauseExpression, js, "Cause");
        return new AslException(error ?? "", cause ?? "");
    }

    private static string? FailField(Template? expression, JsonataScope? js, string field)
    {
        if (expression is null)
        {
            return null;
        }

        var value = expression.Jsonata.Evaluate(js!, field);
        return AslJson.TryGetString(value, out var text)
            ? text
            : throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.WrongType(field, "string", value));
    }

    private static string FailField(ValueExpression expression, ExpressionContext context, string field)
    {
        var value = expression.Evaluate(context, field);
        return AslJson.TryGetString(value, out var text)
            ? text
            : throw new AslException(ErrorNames.Runtime, $"The {field} field of a Fail state must resolve to a string, not {AslJson.TypeName(value)}.");
    }

    private async ValueTask<StepResult> RunParallelAsync(ParallelState parallel, JsonNode? input, Scope scope, int attempt, CancellationToken cancellationToken)
    {
        var effective = ApplyInputPath(parallel, input, scope);
        var context = Context(effective, scope, parallel, attempt);
        var js = JsonataScopeFor(parallel, context);
        var branchInput = parallel.Parameters is null ? effective : Evaluate(parallel.Parameters, context, js, "Arguments");
        Record("ParallelStateStarted", null);
        var runs = new BranchRun[parallel.Branches.Count];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = new BranchRun(parallel.Branches[i].Pointer, branchInput, scope.Variables, null);
        }

        ShareWithBranches(branchInput, scope);
        var outcomes = await _port.RunBranchesAsync(new BranchBatch(parallel.Name, runs, 0, 0), cancellationToken);
        var results = new JsonArray();
        foreach (var outcome in outcomes)
        {
            ThrowIfTimedOut(outcome);
        }

        // A runner may stop the other branches once one has failed (they report Aborted, with no error): the state
        // fails with the failed branch's error.
        if ((outcomes.FirstOrDefault(o => o.Status == MachineStatus.Failed) ?? outcomes.FirstOrDefault(o => o.Status != MachineStatus.Succeeded)) is { } failed)
        {
            Record("ParallelStateFailed", HistoryEvents.Failure("parallelStateFailedEventDetails", failed.Error?.Error, failed.Error?.Cause));
            throw new AslException(failed.Error?.Error ?? ErrorNames.BranchFailed, failed.Error?.Cause ?? "A branch of the Parallel state failed.");
        }

        foreach (var outcome in outcomes)
        {
            results.Add(AslJson.Adopt(outcome.Output));
        }

        Record("ParallelStateSucceeded", null);
        CheckPayload(results, parallel.Name);
        return Complete(parallel, input, results, scope, context, js);
    }

    private async ValueTask<StepResult> RunMapAsync(MapState map, JsonNode? input, Scope scope, int attempt, CancellationToken cancellationToken)
    {
        var effective = ApplyInputPath(map, input, scope);
        var context = Context(effective, scope, map, attempt);
        var js = JsonataScopeFor(map, context);
        JsonNode? itemsNode;
        if (map.Items is not null)
        {
            itemsNode = map.Items.Jsonata.Evaluate(js!, "Items");
            if (itemsNode is not JsonArray)
            {
                throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.WrongType("Items", "array", itemsNode));
            }
        }
        else
        {
            itemsNode = map.ItemsPath.Kind == OptionalPathKind.Path ? map.ItemsPath.Path!.EvaluateField(context, ErrorNames.Runtime) : effective;
        }

        if (itemsNode is not JsonArray items)
        {
            throw new AslException(ErrorNames.Runtime, $"Map state '{map.Name}': {(js is null ? "ItemsPath must select" : "without Items, the state's input must be")} an array, but it {(js is null ? "selected" : "is")} {AslJson.TypeName(itemsNode)}.");
        }

        var maxConcurrency = (int)(ResolveNumber(map.MaxConcurrency, context, js, "MaxConcurrency", positive: false) ?? 0);
        var toleratedCount = ResolveNumber(map.ToleratedFailureCount, context, js, "ToleratedFailureCount", positive: false);
        var toleratedPercentage = ResolveNumber(map.ToleratedFailurePercentage, context, js, "ToleratedFailurePercentage", positive: false, integer: false, max: 100);

        Record("MapStateStarted", new JsonObject { ["mapStateStartedEventDetails"] = new JsonObject { ["length"] = items.Count } });
        var runs = new BranchRun[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var mapItem = new JsonObject { ["Index"] = i, ["Value"] = AslJson.Adopt(items[i]) };
            JsonNode? itemInput;
            if (map.ItemSelector is null)
            {
                itemInput = items[i];
            }
            else
            {
                var itemContext = Context(effective, scope, map, attempt, mapItem);
                itemInput = Evaluate(map.ItemSelector, itemContext, js?.WithContext(itemContext), "ItemSelector");
            }

            runs[i] = new BranchRun(map.Processor.Pointer, itemInput, scope.Variables, mapItem);
        }

        // The Map fails once more items fail than tolerated: by default none; with both thresholds, whichever is lower.
        var tolerated = toleratedCount is null && toleratedPercentage is null ? 0 : int.MaxValue;
        if (toleratedCount is { } count)
        {
            tolerated = Math.Min(tolerated, (int)count);
        }

        if (toleratedPercentage is { } percentage)
        {
            tolerated = Math.Min(tolerated, (int)Math.Floor(percentage * items.Count / 100));
        }

        ShareWithBranches(null, scope);
        var outcomes = await _port.RunBranchesAsync(new BranchBatch(map.Name, runs, maxConcurrency, tolerated), cancellationToken);
        var results = new JsonArray();
        var failures = 0;
        AslError? firstError = null;
        foreach (var outcome in outcomes)
        {
            ThrowIfTimedOut(outcome);
            if (outcome.Status == MachineStatus.Succeeded)
            {
                results.Add(AslJson.Adopt(outcome.Output));
            }
            else if (outcome.Status == MachineStatus.Failed)
            {
                failures++;
                firstError ??= outcome.Error;
                results.Add(new JsonObject { ["Error"] = outcome.Error?.Error, ["Cause"] = outcome.Error?.Cause });
            }
        }

        if (failures > tolerated)
        {
            var thresholdSet = toleratedCount is not null || toleratedPercentage is not null;
            var error = thresholdSet
                ? new AslError(ErrorNames.ExceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded")
                : firstError ?? new AslError(ErrorNames.BranchFailed, "An iteration of the Map state failed.");
            Record("MapStateFailed", HistoryEvents.Failure("mapStateFailedEventDetails", error.Error, error.Cause));
            throw new AslException(error.Error, error.Cause ?? "");
        }

        Record("MapStateSucceeded", null);
        CheckPayload(results, map.Name);
        return Complete(map, input, results, scope, context, js);
    }

    /// <summary>
    /// Branches may run on several threads and read the same nodes (a Parallel state's input, the variables), and
    /// System.Text.Json builds a node's storage lazily on first read, which is not thread-safe: build it first.
    /// </summary>
    private static void ShareWithBranches(JsonNode? sharedInput, Scope scope)
    {
        AslJson.Materialize(sharedInput);
        foreach (var value in scope.Variables.Values)
        {
            AslJson.Materialize(value);
        }
    }

    private static void ThrowIfTimedOut(MachineOutcome outcome)
    {
        if (outcome.Status == MachineStatus.TimedOut)
        {
            throw new ExecutionTimedOutException();
        }
    }

    private static double? ResolveNumber(DynamicNumber number, ExpressionContext context, JsonataScope? js, string field, bool positive, bool integer = true, double max = 99_999_999)
    {
        if (number.Value is { } literal)
        {
            return literal;
        }

        if (number.Expression is { } expression)
        {
            var result = expression.Jsonata.Evaluate(js!, field);
            if (!JsonNumbers.TryGetDouble(result, out var computed))
            {
                throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.WrongType(field, integer ? "integer" : "number", result));
            }

            return (!integer || computed == Math.Floor(computed)) && computed >= (positive ? 1 : 0) && computed <= max
                ? computed
                : throw new AslException(ErrorNames.QueryEvaluationError, $"The {field} field must be a {(integer ? "whole number" : "number")} from {(positive ? 1 : 0)} to {max.ToString(CultureInfo.InvariantCulture)}, but its JSONata expression returned {AslJson.ToJsonString(result)}.");
        }

        if (number.Path is null)
        {
            return null;
        }

        var value = number.Path.EvaluateField(context, ErrorNames.Runtime);
        var ok = JsonNumbers.TryGetDouble(value, out var resolved)
            && (!integer || resolved == Math.Floor(resolved))
            && resolved >= (positive ? 1 : 0)
            && resolved <= max;
        return ok
            ? resolved
            : throw new AslException(ErrorNames.Runtime, $"The {field}Path field references {AslJson.ToJsonString(value)}, which is not a valid {(integer ? "whole number" : "number")} from {(positive ? 1 : 0)} to {max.ToString(CultureInfo.InvariantCulture)}.");
    }

    private JsonNode? ApplyInputPath(State state, JsonNode? input, Scope scope) => state.InputPath.Kind switch
    {
        OptionalPathKind.Default => input,
        OptionalPathKind.Null => new JsonObject(),
        _ => state.InputPath.Path!.EvaluateField(Context(input, scope, state, 0), ErrorNames.Runtime),
    };

    private JsonNode? Finish(State state, JsonNode? output, Scope scope)
    {
        var result = state.OutputPath.Kind switch
        {
            OptionalPathKind.Default => output,
            OptionalPathKind.Null => new JsonObject(),
            _ => state.OutputPath.Path!.EvaluateField(Context(output, scope, state, 0), ErrorNames.Runtime),
        };
        CheckPayload(result, state.Name, scope);
        return result;
    }

    private static JsonNode? ApplyResultPath(JsonNode? input, JsonNode? result, OptionalPath resultPath) => resultPath.Kind switch
    {
        OptionalPathKind.Default => result,
        OptionalPathKind.Null => input,
        _ => ResultPaths.Apply(resultPath.Path!, input, result),
    };

    /// <summary>
    /// Enforces the payload limit. A state output that is (part of) the payload already checked — a Pass, Choice or
    /// Wait that passes its input on — is not measured again, so such transitions stay allocation-free.
    /// </summary>
    private void CheckPayload(JsonNode? payload, string stateName, Scope? scope = null)
    {
        if (scope is not null && IsWithin(payload, scope.CheckedPayload))
        {
            return;
        }

        if (payload is JsonObject or JsonArray || payload is JsonValue { } v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
        {
            if (AslJson.Utf8Size(payload) > _options.MaxPayloadBytes)
            {
                throw new AslException(ErrorNames.DataLimitExceeded, $"The state/task '{stateName}' returned a result with a size exceeding the maximum number of bytes service limit.");
            }
        }

        if (scope is not null)
        {
            scope.CheckedPayload = payload;
        }
    }

    private static bool IsWithin(JsonNode? node, JsonNode? root)
    {
        if (root is null)
        {
            return false;
        }

        for (var current = node; current is not null; current = current.Parent)
        {
            if (ReferenceEquals(current, root))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Runs a state's Assign (and, for a Choice, the matched rule's Assign after it). Every expression sees the old
    /// values: all are evaluated first, then stored.
    /// </summary>
    private static void Assign(Template? assign, ExpressionContext context, Scope scope, Template? ruleAssign = null, JsonataScope? js = null)
    {
        if (assign is null && ruleAssign is null)
        {
            return;
        }

        var pending = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var template in new[] { assign, ruleAssign })
        {
            if (template is not null && Evaluate(template, context, js, "Assign") is JsonObject values)
            {
                pending.AddRange(values);
                values.Clear();
            }
        }

        foreach (var (name, value) in pending)
        {
            scope.Variables[name] = value;
        }
    }

    private async ValueTask WaitAsync(DateTimeOffset until, Scope scope, CancellationToken cancellationToken)
    {
        if (scope.Deadline is { } deadline && until > deadline)
        {
            await _port.WaitUntilAsync(deadline, cancellationToken);
            throw new ExecutionTimedOutException();
        }

        await _port.WaitUntilAsync(until, cancellationToken);
    }

    /// <summary>A JSONPath template against the context, or a JSONata template against the state's JSONata scope.</summary>
    private static JsonNode? Evaluate(Template template, ExpressionContext context, JsonataScope? js, string field) =>
        js is null ? template.Compiled.Evaluate(context, ErrorNames.Runtime) : template.Jsonata.Evaluate(js, field);

    /// <summary>A JSONata state's Output (or a Choice rule's, or a Catch's), else what the state outputs by default.</summary>
    private static JsonNode? Output(Template? output, JsonNode? byDefault, JsonataScope? js) =>
        output is null || js is null ? byDefault : output.Jsonata.Evaluate(js, "Output");

    /// <summary>What a JSONata state's expressions see; null for a JSONPath state.</summary>
    private JsonataScope? JsonataScopeFor(State state, ExpressionContext context) =>
        state.QueryLanguage == QueryLanguage.Jsonata ? new JsonataScope(context, _port.UtcNow, Jsonata) : null;

    private ExpressionContext Context(JsonNode? input, Scope scope, State state, int retryCount, JsonObject? mapItem = null, string? taskToken = null)
    {
        var stateContext = new StateContext(scope.Execution, state.Name, _port.UtcNow, state is WorkState ? retryCount : null, mapItem, taskToken);
        return new ExpressionContext(input, stateContext, scope.Variables, _port.Entropy);
    }

    private void Record(string type, JsonObject? details) => _history?.Add(_port.UtcNow, type, details);

    private bool WantsPayloads => _history is { WantsPayloads: true };

    private readonly record struct StepResult(JsonNode? Output, string? Next);

    private sealed record Scope(ExecutionInfo Execution, Dictionary<string, JsonNode?> Variables, DateTimeOffset? Deadline)
    {
        /// <summary>The last payload measured against the size limit (a machine's input counts as measured).</summary>
        public JsonNode? CheckedPayload { get; set; }
    }

    private sealed class ExecutionTimedOutException : Exception
    {
    }
}
