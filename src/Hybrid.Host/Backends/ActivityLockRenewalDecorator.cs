using System.Collections.Concurrent;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Backends;

/// <summary>
/// Workaround for the preview sidecar, which never renews the lock of an activity work item. On Azure Storage that lock
/// is the queue message's visibility timeout (5 minutes): an activity that runs longer becomes visible again and runs a
/// second time, concurrently, and the first completion then fails to delete its message. This decorator renews the lock
/// of every activity in flight at a fixed interval, and stops renewing (and waits for a renewal under way) before the
/// activity is completed or abandoned, because a renewal changes the message's receipt that the completion uses.
/// </summary>
internal sealed class ActivityLockRenewalDecorator : OrchestrationServiceDecorator
{
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TaskActivityWorkItem, Renewal> _renewals = new(ReferenceEqualityComparer.Instance);

    public ActivityLockRenewalDecorator(IOrchestrationService inner, TimeSpan interval, ILogger logger)
        : base(inner)
    {
        _interval = Check.Positive(interval);
        _logger = Check.NotNull(logger);
    }

    /// <summary>Activities whose lock is being renewed now (for tests).</summary>
    public int Renewing => _renewals.Count;

    public override async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await base.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken).ConfigureAwait(false);
        if (workItem is not null)
        {
            var renewal = new Renewal();
            if (_renewals.TryAdd(workItem, renewal))
            {
                renewal.Loop = RenewAsync(workItem, renewal.Stop.Token);
            }
            else
            {
                renewal.Stop.Dispose();
            }
        }

        return workItem!;
    }

    public override async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await StopRenewingAsync(workItem).ConfigureAwait(false);
        await base.CompleteTaskActivityWorkItemAsync(workItem, responseMessage).ConfigureAwait(false);
    }

    public override async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await StopRenewingAsync(workItem).ConfigureAwait(false);
        await base.AbandonTaskActivityWorkItemAsync(workItem).ConfigureAwait(false);
    }

    protected override async Task StopCoreAsync(bool isForced)
    {
        await Task.WhenAll(_renewals.Keys.Select(StopRenewingAsync)).ConfigureAwait(false);
        await base.StopCoreAsync(isForced).ConfigureAwait(false);
    }

    private async Task RenewAsync(TaskActivityWorkItem workItem, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_interval, stop).ConfigureAwait(false);
                await base.RenewTaskActivityWorkItemLockAsync(workItem).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Completed, abandoned or stopping.
        }
        catch (Exception e)
        {
            Logs.ActivityLockRenewalFailed(_logger, e, workItem.Id);
        }
    }

    private async Task StopRenewingAsync(TaskActivityWorkItem workItem)
    {
        if (workItem is null || !_renewals.TryRemove(workItem, out var renewal))
        {
            return;
        }

        await renewal.Stop.CancelAsync().ConfigureAwait(false);
        await (renewal.Loop ?? Task.CompletedTask).ConfigureAwait(false);
        renewal.Stop.Dispose();
    }

    private sealed class Renewal
    {
        public CancellationTokenSource Stop { get; } = new();

        public Task? Loop { get; set; }
    }
}
