using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hybrid.Durable.Executions;

/// <summary>
/// Stops running instances the way an execution stop does: marks them stopped (<see cref="IStartedTaskStore"/>),
/// terminates them and their running descendants (a stop orchestration started earlier under the same id prefix is left
/// to finish), then stops the long-running tasks they (and their descendants) started, through the
/// <see cref="DurableNames.StopTasks"/> orchestration. Those tasks are read from the running instances' custom status
/// (<see cref="ExecutionProgress.Waiting"/>) and, after the mark, from the store, where the dispatch activity records a
/// task as soon as it has started, before the orchestrator writes that status. The activity then reads the
/// marks and stops the task itself if its instance is marked: since each side writes before it reads, a task started
/// at the moment of a stop is stopped by one of them, maybe by both (a stop is idempotent). Used by
/// <see cref="DurableExecutionService.StopAsync"/> and by <see cref="StopInstancesActivity"/> (a Parallel or Map state
/// whose failures crossed their threshold stops its running branches).
/// </summary>
public static class InstanceStops
{
    /// <summary>Stops the instances <paramref name="request"/> names; they end with <paramref name="output"/>, their descendants with none.</summary>
    public static async Task StopAsync(DurableTaskClient client, IStartedTaskStore tasks, StopInstancesRequest request, object? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(request);
        if (request.InstanceIds.Count == 0)
        {
            return;
        }

        var executionId = ExecutionIds.ExecutionOf(request.InstanceIds[0]);
        await tasks.MarkStoppedAsync(executionId, [.. request.InstanceIds.Select(id => new StopMark(id, request.Error, request.Cause))], cancellationToken);

        // One query for all of them: siblings share their parent's id as a prefix.
        var requested = request.InstanceIds.ToHashSet(StringComparer.Ordinal);
        var running = new List<(string Id, bool Named)>();
        var waiting = new Dictionary<string, DispatchRequest>(StringComparer.Ordinal);
        await foreach (var metadata in client.GetAllInstancesAsync(RunningFrom(CommonPrefix(request.InstanceIds))).WithCancellation(cancellationToken))
        {
            if (!IsStopped(metadata.InstanceId, request) || metadata.Name is not (DurableNames.Machine or DurableNames.Batch))
            {
                continue;
            }

            running.Add((metadata.InstanceId, requested.Contains(metadata.InstanceId)));
            if (metadata.SerializedCustomStatus is not null && metadata.ReadCustomStatusAs<ExecutionProgress>()?.Waiting is { Phase: not null } task)
            {
                waiting[task.InvocationKey ?? metadata.InstanceId] = task;
            }
        }

        // Every running instance is terminated by name, descendants too: not every backend honours a recursive
        // termination (the embedded sidecar does not). One that finished meanwhile has nothing left to stop. Parents go
        // first (a descendant's id extends its parent's), so that none fails on hearing that its child was terminated.
        running.Sort((a, b) => a.Id.Length.CompareTo(b.Id.Length));
        foreach (var (id, named) in running)
        {
            await client.TerminateInstanceAsync(id, new TerminateInstanceOptions(named ? output : null, Recursive: true), cancellationToken);
        }

        // After the mark (and the termination), the tasks recorded at their start, which no custom status may name yet:
        // the status has the state of the latest poll, so it is kept for a task both name.
        foreach (var task in await tasks.TasksAsync(executionId, cancellationToken))
        {
            if (IsStopped(task.InstanceId, request))
            {
                waiting.TryAdd(task.InvocationKey, task.Poll);
            }
        }

        // A repeated call (an activity retried after a crash) finds the stop orchestration already scheduled.
        if (waiting.Count > 0 && await client.GetInstanceAsync(request.StopTasksId, getInputsAndOutputs: false, cancellationToken) is null)
        {
            // The stopped instances run no more code: a small orchestration stops their long-running tasks, each through
            // the dispatch activity (so its middlewares apply), with durable retries if this host dies meanwhile.
            var stops = waiting.Values.Select(w => w with { Phase = w.Phase! with { Kind = TaskPhase.Stopping, Error = request.Error, Cause = request.Cause } }).ToList();
            await client.ScheduleNewOrchestrationInstanceAsync(DurableNames.StopTasks, stops, new StartOrchestrationOptions(request.StopTasksId), cancellationToken);
        }
    }

    private static bool IsStopped(string instanceId, StopInstancesRequest request) =>
        request.InstanceIds.Any(id => ExecutionIds.IsSelfOrDescendant(instanceId, id));

    private static string CommonPrefix(IReadOnlyList<string> ids)
    {
        var prefix = ids[0];
        foreach (var id in ids)
        {
            prefix = prefix[..prefix.AsSpan().CommonPrefixLength(id)];
        }

        return prefix;
    }

    private static OrchestrationQuery RunningFrom(string id) => new()
    {
        InstanceIdPrefix = id,
        Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending],
        FetchInputsAndOutputs = true,
    };
}

/// <summary>Instances to stop, why (handed to their long-running tasks' stop) and the id of the orchestration that stops those tasks.</summary>
public sealed record StopInstancesRequest(IReadOnlyList<string> InstanceIds, string Error, string Cause, string StopTasksId);

/// <summary>
/// The durable call with which an orchestration stops instances it started (a Parallel or Map state's running branches
/// once the state has failed): <see cref="InstanceStops.StopAsync"/> through the host's Durable Task client.
/// </summary>
public sealed class StopInstancesActivity(DurableTaskClient client, IStartedTaskStore tasks) : TaskActivity<StopInstancesRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, StopInstancesRequest input)
    {
        await InstanceStops.StopAsync(client, tasks, input, output: null, CancellationToken.None);
        return true;
    }
}
