using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Model;

namespace Hybrid.Asl.Running;

/// <summary>How the direct runner treats time.</summary>
public enum WaitMode
{
    /// <summary>Wait states and retry intervals really wait, on the given <see cref="TimeProvider"/>.</summary>
    Real,

    /// <summary>Waits take no time: a virtual clock jumps forward instead, so timestamps and timeouts still add up.</summary>
    Skip,
}

/// <summary>Options of a direct run.</summary>
public sealed record DirectRunOptions
{
    public WaitMode WaitMode { get; init; } = WaitMode.Real;

    /// <summary>The clock for <see cref="WaitMode.Real"/> and the start time; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where ids and random numbers come from; a seed from the start time when null.</summary>
    public IEntropy? Entropy { get; init; }

    /// <summary>Mocked Task answers (from a MockConfigFile test case); unmocked states go to the handlers.</summary>
    public MockedTaskResponses? Mocks { get; init; }

    public InterpreterOptions Interpreter { get; init; } = InterpreterOptions.Default;
}

/// <summary>The end of an execution, as <c>hybrid run</c> and DescribeExecution report it.</summary>
public sealed record ExecutionResult(string Status, JsonNode? Output, string? Error, string? Cause)
{
    public static ExecutionResult From(MachineOutcome outcome) => new(
        outcome.Status switch
        {
            MachineStatus.Succeeded => "SUCCEEDED",
            MachineStatus.TimedOut => "TIMED_OUT",
            MachineStatus.Aborted => "ABORTED",
            _ => "FAILED",
        },
        outcome.Status == MachineStatus.Succeeded ? outcome.Output : null,
        outcome.Error?.Error,
        outcome.Error?.Cause);
}

/// <summary>
/// Runs a state machine in-process: the engine's own implementation of the execution port, used by
/// <c>hybrid run</c>, the tests and the benchmarks.
/// </summary>
public sealed class DirectRunner
{
    private readonly TaskHandlerRegistry _handlers;

    public DirectRunner(TaskHandlerRegistry? handlers = null)
    {
        _handlers = handlers ?? new TaskHandlerRegistry();
    }

    /// <summary>Runs one execution. <paramref name="input"/> is the execution input; <paramref name="execution"/> names it.</summary>
    public async Task<ExecutionResult> RunAsync(
        StateMachine machine,
        JsonNode? input,
        DirectRunOptions? options = null,
        ExecutionInfo? execution = null,
        IHistorySink? history = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(machine);
        options ??= new DirectRunOptions();
        var time = options.TimeProvider ?? TimeProvider.System;
        var start = execution?.StartTime ?? time.GetUtcNow();
        execution = execution is null ? ExecutionInfo.Local("StateMachine", "execution", start, input) : execution with { Input = input };
        var entropy = options.Entropy ?? new SeededEntropy((ulong)start.UtcTicks);
        var port = new DirectPort(this, options, time, start, entropy);
        var interpreter = new Interpreter(machine, port, history, options.Interpreter);
        port.Attach(interpreter, execution, machine.TimeoutSeconds is { } t ? execution.StartTime.AddSeconds(t) : null);
        return ExecutionResult.From(await interpreter.RunExecutionAsync(execution, cancellationToken));
    }

    private sealed class DirectPort(DirectRunner runner, DirectRunOptions options, TimeProvider time, DateTimeOffset start, IEntropy entropy) : IExecutionPort
    {
        private readonly Lock _clockLock = new();
        private DateTimeOffset _virtualNow = start;
        private Interpreter? _interpreter;
        private ExecutionInfo? _execution;
        private DateTimeOffset? _deadline;
        private long _invocations;

        public DateTimeOffset UtcNow
        {
            get
            {
                if (options.WaitMode == WaitMode.Real)
                {
                    return time.GetUtcNow();
                }

                lock (_clockLock)
                {
                    return _virtualNow;
                }
            }
        }

        public IEntropy Entropy => entropy;

        public string NewTaskToken(string stateName) => entropy.NewGuid().ToString("N");

        public void Attach(Interpreter interpreter, ExecutionInfo execution, DateTimeOffset? deadline)
        {
            _interpreter = interpreter;
            _execution = execution;
            _deadline = deadline;
        }

        public ValueTask<JsonNode?> InvokeTaskAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            if (options.Mocks is { } mocks && mocks.Handles(invocation.StateName))
            {
                return ValueTask.FromResult(mocks.Answer(invocation.StateName));
            }

            var key = Interlocked.Increment(ref _invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
            invocation = invocation with { Scope = new TaskScope(key, _execution!.ExecutionId) };
            return invocation.TimeoutSeconds is { } timeout && options.WaitMode == WaitMode.Real
                ? WithTimeoutAsync(invocation, TimeSpan.FromSeconds(timeout), cancellationToken)
                : InvokeAsync(invocation, cancellationToken);
        }

        private ValueTask<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
            runner._handlers.TryResolveLongRunning(invocation.Resource, out var longRunning)
                ? RunLongAsync(longRunning, invocation, cancellationToken)
                : runner._handlers.InvokeAsync(invocation, cancellationToken);

        /// <summary>Starts, then polls on the real clock (even when waits are skipped: polling is never a hot loop), and stops the work when cancelled.</summary>
        private async ValueTask<JsonNode?> RunLongAsync(ILongRunningTaskHandler handler, TaskInvocation invocation, CancellationToken cancellationToken)
        {
            var progress = await handler.StartAsync(invocation, cancellationToken);
            var polling = invocation with { Input = null, ContextSource = static () => [] };
            try
            {
                for (var poll = 1; !progress.IsDone; poll++)
                {
                    await Task.Delay(progress.PollAfter, time, cancellationToken);
                    progress = await handler.PollAsync(polling, progress.State, poll, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                await handler.StopAsync(polling, progress.State, ErrorNames.Timeout, $"Task '{invocation.StateName}' was cancelled.", CancellationToken.None);
                throw;
            }

            return progress.Output;
        }

        private async ValueTask<JsonNode?> WithTimeoutAsync(TaskInvocation invocation, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                return await InvokeAsync(invocation, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AslException(ErrorNames.Timeout, $"Task '{invocation.StateName}' did not finish within {timeout.TotalSeconds} seconds.");
            }
        }

        public async ValueTask WaitUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
        {
            if (options.WaitMode == WaitMode.Skip)
            {
                lock (_clockLock)
                {
                    if (until > _virtualNow)
                    {
                        _virtualNow = until;
                    }
                }

                return;
            }

            var delay = until - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken);
            }
        }

        public async ValueTask<IReadOnlyList<MachineOutcome>> RunBranchesAsync(BranchBatch batch, CancellationToken cancellationToken)
        {
            var results = new MachineOutcome[batch.Branches.Count];
            var limit = batch.MaxConcurrency <= 0 ? int.MaxValue : batch.MaxConcurrency;
            using var gate = new SemaphoreSlim(Math.Min(limit, Math.Max(1, batch.Branches.Count)));
            var running = new List<Task>(batch.Branches.Count);
            var failures = 0;
            for (var i = 0; i < batch.Branches.Count; i++)
            {
                await gate.WaitAsync(cancellationToken);
                if (Volatile.Read(ref failures) > batch.ToleratedFailures)
                {
                    gate.Release();
                    for (var j = i; j < results.Length; j++)
                    {
                        results[j] = new MachineOutcome(MachineStatus.Aborted, null, null);
                    }

                    break;
                }

                running.Add(RunOneAsync(i));
            }

            await Task.WhenAll(running);
            return results;

            async Task RunOneAsync(int index)
            {
                try
                {
                    results[index] = await _interpreter!.RunBranchAsync(batch.Branches[index], _execution!, _deadline, cancellationToken);
                    if (results[index].Status != MachineStatus.Succeeded)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }
        }
    }
}
