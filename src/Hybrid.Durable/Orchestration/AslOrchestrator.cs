using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Running;
using Microsoft.DurableTask;

namespace Hybrid.Durable.Orchestration;

/// <summary>
/// The Durable names of Hybrid's orchestrators and activities, in one place. They are also Azure Functions function
/// names, which the Functions host restricts to letters, digits, <c>_</c> and <c>-</c> (no dots).
/// </summary>
public static class DurableNames
{
    public const string Machine = "Hybrid-Asl";
    public const string Batch = "Hybrid-AslBatch";
    public const string Dispatch = "Hybrid-Dispatch";
    public const string RecordHistory = "Hybrid-RecordHistory";
    public const string StopTasks = "Hybrid-StopTasks";
    public const string StopInstances = "Hybrid-StopInstances";
}

/// <summary>
/// Runs a state machine as an orchestration: an execution, or one of its branches or Map iterations. Deterministic:
/// it reads time, ids and randomness only from the context. Long runs roll over with ContinueAsNew at a state
/// boundary, carrying the state, the data and the variables; the instance id (the execution's identity) stays.
/// </summary>
public sealed class AslOrchestrator : TaskOrchestrator<MachineRun, RunOutcome?>
{
    public override async Task<RunOutcome?> RunAsync(TaskOrchestrationContext context, MachineRun input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var machine = DefinitionCache.Get(input.Definition);
        var port = new DurablePort(context, input, machine);
        var options = InterpreterOptions.Default with
        {
            SuspendBeforeNextState = () => port.Operations >= input.Settings.MaxOperationsPerGeneration,
        };
        var interpreter = new Interpreter(machine, port, port, options);
        var execution = input.Execution.ToExecutionInfo();
        var resume = input.Resume is { } r
            ? new Checkpoint(r.State, ExecutionMeta.Parse(r.Input), Variables(r.Variables))
            : null;

        var outcome = input.IsRoot
            ? await interpreter.RunExecutionAsync(execution, resume)
            : await interpreter.RunBranchAsync(
                new BranchRun(machine.Pointer, ExecutionMeta.Parse(input.Input), Variables(input.Variables), ExecutionMeta.Parse(input.MapItem) as System.Text.Json.Nodes.JsonObject),
                execution,
                input.DeadlineUtc,
                default,
                resume);

        await port.SettleAsync();
        if (outcome.Status == MachineStatus.Suspended && outcome.Continuation is { } next)
        {
            await port.FlushAsync();
            var variables = new System.Text.Json.Nodes.JsonObject();
            foreach (var (name, value) in next.Variables)
            {
                variables[name] = AslJson.Adopt(value)?.DeepClone();
            }

            context.ContinueAsNew(input with
            {
                Execution = port.CurrentExecution,
                Resume = new ResumePoint(next.StateName, AslJson.ToJsonString(next.Input), AslJson.ToJsonString(variables)),
                Generation = input.Generation + 1,
                Settings = port.CurrentSettings,
            });
            return null;
        }

        var result = ExecutionResult.From(outcome);
        return new RunOutcome(
            result.Status,
            outcome.Status == MachineStatus.Succeeded ? AslJson.ToJsonString(result.Output) : null,
            result.Error,
            result.Cause,
            port.TakePending());
    }

    private static Dictionary<string, System.Text.Json.Nodes.JsonNode?> Variables(string? json)
    {
        var result = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(StringComparer.Ordinal);
        if (ExecutionMeta.Parse(json) is System.Text.Json.Nodes.JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                result[name] = value?.DeepClone();
            }
        }

        return result;
    }
}

/// <summary>
/// Runs a chunk of Map iterations as its own orchestration, so that no history holds more than one chunk's worth of
/// children however large the Map. A chunk larger than the chunk size splits again.
/// </summary>
public sealed class AslBatchOrchestrator : TaskOrchestrator<BatchRun, BatchOutcome>
{
    public override async Task<BatchOutcome> RunAsync(TaskOrchestrationContext context, BatchRun input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var stopped = new List<Task>();
        var outcomes = await Windowed.RunAsync(
            context,
            input.Items.Count,
            input.MaxConcurrency,
            input.ToleratedFailures,
            i => $"{context.InstanceId}.{i}",
            (i, id) => context.CallSubOrchestratorAsync<RunOutcome>(
                DurableNames.Machine,
                new MachineRun(input.Definition, input.Items[i].Input, input.Execution, false, input.Variables, input.Items[i].MapItem, input.DeadlineUtc, null, 0, input.Settings),
                new SubOrchestrationOptions { InstanceId = id }),
            DurablePort.IsFailure,
            input.Settings.StopWait,
            stopped.Add);

        // Durable Task completes this orchestration only once the iterations it stopped have answered (its output carries
        // no history events, so a later completion would lose none); waiting here just makes that explicit.
        await Windowed.AwaitAllAsync(stopped);
        var events = new List<StoredEvent>();
        var failures = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome is not null)
            {
                events.AddRange(outcome.PendingEvents ?? []);
                failures += DurablePort.IsFailure(outcome);
            }
        }

        // Store the iterations' events here, so that the parent's history holds one chunk's result, not every event.
        if (events.Count > 0)
        {
            await context.CallActivityAsync(DurableNames.RecordHistory, new HistoryBatch(input.Execution.ExecutionId, events));
        }

        var slim = outcomes.Select(o => o is null ? null : o with { PendingEvents = null }).ToList();
        return new BatchOutcome(slim, failures, null);
    }
}

/// <summary>
/// Stops the long-running tasks of a stopped execution (its instances were terminated and run no more code): one stop
/// through the dispatch activity per task, all at once. Each answer is kept in the output, for diagnosis.
/// </summary>
public sealed class StopTasksOrchestrator : TaskOrchestrator<IReadOnlyList<DispatchRequest>, IReadOnlyList<DispatchResult>>
{
    public override async Task<IReadOnlyList<DispatchResult>> RunAsync(TaskOrchestrationContext context, IReadOnlyList<DispatchRequest> input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return await Task.WhenAll(input.Select(stop => context.CallActivityAsync<DispatchResult>(DurableNames.Dispatch, stop)));
    }
}
