using DurableTask.Core;
using DurableTask.Core.History;

namespace Hybrid.Host.Backends;

/// <summary>
/// Workaround for a defect of the preview sidecar's in-memory backend (Microsoft.DurableTask.InProcessTestHost
/// 0.2.3-preview.1): a message that reaches an instance while its last episode runs (an event, a child's completion, a
/// timer) is kept, and once that episode has completed the instance the backend hands it out again. The sidecar's
/// dispatcher does not check for a completed instance, so the orchestrator runs again, all of it replayed, and the status
/// record is rewritten (custom status, last update time; measured). By the sidecar's code, a second
/// <c>ExecutionCompleted</c> also goes into the history (the output stays: the runtime state keeps the first one) and a
/// sub-orchestration reports its completion to its parent a second time. Azure Storage discards such messages itself.
/// <para>
/// The store hands out an instance's work items one at a time and takes each one's history when it hands it out, and the
/// sidecar saves an episode before releasing its work item, so a work item handed out after the completing episode always
/// carries the <c>ExecutionCompleted</c> this decorator looks for.
/// </para>
/// <para>
/// This decorator keeps such work items from the sidecar: a work item whose history already ends the execution, and
/// whose messages do not start a new one, is released at once, which in the in-memory backend drops its messages (it
/// deletes them when it hands the work item out), and the next work item is fetched instead.
/// </para>
/// </summary>
internal sealed class CompletedInstanceDecorator(IOrchestrationService inner) : OrchestrationServiceDecorator(inner)
{
    private int _dropped;

    /// <summary>How many work items were dropped because their instance had completed (for tests).</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public override async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var workItem = await base.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
            if (workItem is null || !HasEnded(workItem))
            {
                return workItem!;
            }

            await base.ReleaseTaskOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Whether the work item's execution has ended (completed, failed or terminated) and no message starts a new one.</summary>
    internal static bool HasEnded(TaskOrchestrationWorkItem workItem) =>
        workItem.OrchestrationRuntimeState?.ExecutionCompletedEvent is not null
        && !(workItem.NewMessages ?? []).Any(m => m.Event is ExecutionStartedEvent);
}
