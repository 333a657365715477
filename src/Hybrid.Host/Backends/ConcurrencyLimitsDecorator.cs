using System.Collections.Concurrent;
using DurableTask.Core;

namespace Hybrid.Host.Backends;

/// <summary>
/// Workaround for the preview sidecar's concurrency gate. Its dispatchers stop fetching when the work items in flight reach
/// the backend's limits, and then poll every 500 ms for a free slot; the in-memory backend reports the processor count as
/// its limits, so on a 2-core machine 200 orchestrations of 5 activities took about 300 s. Raising the limits alone still
/// leaves the 500 ms naps whenever the limit is reached (200 such orchestrations at a limit of 100 took 6 s, with the CPU
/// idle). The gRPC worker sets no limit of its own either: it runs whatever the sidecar sends.
/// <para>
/// So this decorator tells the sidecar there is no limit, and enforces the configured limits itself, in the fetch: a fetch
/// waits for a free slot, and a slot is freed the moment its work item is released (an orchestration) or completed or
/// abandoned (an activity, whose release the sidecar does not forward), which wakes the next fetch at once.
/// </para>
/// </summary>
internal sealed class ConcurrencyLimitsDecorator : OrchestrationServiceDecorator
{
    private readonly SemaphoreSlim _orchestrationSlots;
    private readonly SemaphoreSlim _activitySlots;
    private readonly ConcurrentDictionary<object, SemaphoreSlim> _held = new(ReferenceEqualityComparer.Instance);

    public ConcurrencyLimitsDecorator(IOrchestrationService inner, int maxOrchestrations, int maxActivities)
        : base(inner)
    {
        OrchestrationLimit = Check.Positive(maxOrchestrations);
        ActivityLimit = Check.Positive(maxActivities);
        _orchestrationSlots = new SemaphoreSlim(maxOrchestrations, maxOrchestrations);
        _activitySlots = new SemaphoreSlim(maxActivities, maxActivities);
    }

    /// <summary>Orchestration work items that may be in flight at once.</summary>
    public int OrchestrationLimit { get; }

    /// <summary>Activity work items that may be in flight at once.</summary>
    public int ActivityLimit { get; }

    /// <summary>Work items in flight now (for tests).</summary>
    public int InFlight => _held.Count;

    /// <summary>Unbounded, so that the sidecar's gate never naps: the limit is enforced in the fetch instead.</summary>
    public override int MaxConcurrentTaskOrchestrationWorkItems => int.MaxValue;

    /// <inheritdoc cref="MaxConcurrentTaskOrchestrationWorkItems"/>
    public override int MaxConcurrentTaskActivityWorkItems => int.MaxValue;

    public override async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        await _orchestrationSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        TaskOrchestrationWorkItem? workItem = null;
        try
        {
            workItem = await base.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Hold(workItem, _orchestrationSlots);
        }

        return workItem!;
    }

    public override async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        try
        {
            await base.ReleaseTaskOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
        }
        finally
        {
            Free(workItem);
        }
    }

    public override async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        await _activitySlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        TaskActivityWorkItem? workItem = null;
        try
        {
            workItem = await base.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Hold(workItem, _activitySlots);
        }

        return workItem!;
    }

    public override async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        try
        {
            await base.CompleteTaskActivityWorkItemAsync(workItem, responseMessage).ConfigureAwait(false);
        }
        finally
        {
            Free(workItem);
        }
    }

    public override async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        try
        {
            await base.AbandonTaskActivityWorkItemAsync(workItem).ConfigureAwait(false);
        }
        finally
        {
            Free(workItem);
        }
    }

    /// <summary>Keeps the slot taken for <paramref name="workItem"/>, or gives it back when the fetch brought nothing.</summary>
    private void Hold(object? workItem, SemaphoreSlim slots)
    {
        if (workItem is null || !_held.TryAdd(workItem, slots))
        {
            slots.Release();
        }
    }

    /// <summary>Frees the slot of <paramref name="workItem"/> once, however many of complete, abandon and release reach us.</summary>
    private void Free(object? workItem)
    {
        if (workItem is not null && _held.TryRemove(workItem, out var slots))
        {
            slots.Release();
        }
    }
}
