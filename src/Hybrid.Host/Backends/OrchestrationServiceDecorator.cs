using DurableTask.Core;
using DurableTask.Core.Query;

namespace Hybrid.Host.Backends;

/// <summary>
/// Forwards every member of a DurableTask.Core backend to the backend it wraps. The sidecar's workarounds derive from it
/// and override only what they fix. It implements the query and purge interfaces too, because the sidecar tests for them
/// with <c>is</c> and would otherwise report querying and purging as unsupported.
/// </summary>
internal abstract class OrchestrationServiceDecorator :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IDisposable
{
    private readonly IOrchestrationServiceClient _client;
    private int _started;
    private Task? _stopped;

    protected OrchestrationServiceDecorator(IOrchestrationService inner)
    {
        Inner = Check.NotNull(inner);
        _client = inner as IOrchestrationServiceClient
            ?? throw new ArgumentException($"{inner.GetType().Name} is not an {nameof(IOrchestrationServiceClient)}.", nameof(inner));
    }

    /// <summary>The backend (or the next decorator) this one wraps.</summary>
    public IOrchestrationService Inner { get; }

    public virtual int TaskOrchestrationDispatcherCount => Inner.TaskOrchestrationDispatcherCount;

    public virtual int MaxConcurrentTaskOrchestrationWorkItems => Inner.MaxConcurrentTaskOrchestrationWorkItems;

    public virtual BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => Inner.EventBehaviourForContinueAsNew;

    public virtual int TaskActivityDispatcherCount => Inner.TaskActivityDispatcherCount;

    public virtual int MaxConcurrentTaskActivityWorkItems => Inner.MaxConcurrentTaskActivityWorkItems;

    /// <summary>Whether <see cref="StartAsync"/> has been called (and <see cref="StopAsync(bool)"/> not yet).</summary>
    public bool IsStarted => Volatile.Read(ref _started) == 1;

    /// <summary>
    /// Starts the backend. The sidecar starts it from a hook where an exception ends the whole process, and Azure
    /// Storage's start throws a NullReferenceException when the backend is stopped or disposed while it starts (seen in
    /// CI): that case is absorbed; any other start failure still surfaces.
    /// </summary>
    public virtual async Task StartAsync()
    {
        Volatile.Write(ref _started, 1);
        try
        {
            await Inner.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NullReferenceException or ObjectDisposedException && Volatile.Read(ref _started) == 0)
        {
            // Stopped or disposed while starting: there is nothing to start any more.
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>
    /// Stops the backend once, and only if it started: the sidecar stops it from its own shutdown hook and the host stops
    /// it again with a bound, and Azure Storage fails when it is stopped before it started.
    /// </summary>
    public Task StopAsync(bool isForced)
    {
        if (Interlocked.Exchange(ref _started, 0) == 0)
        {
            return _stopped ?? Task.CompletedTask;
        }

        return _stopped = StopSafelyAsync(isForced);
    }

    /// <summary>Disposes the backend at the bottom of the chain (Azure Storage holds clients and timers); a later stop does nothing.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _started, 0);
        (Inner as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Azure Storage's StopAsync throws a NullReferenceException when its service has been disposed or has not finished
    /// starting. There is then nothing left to stop, and the sidecar stops the backend from a shutdown hook where an
    /// exception ends the whole process (seen once in CI), so that case is absorbed here.
    /// </summary>
    private async Task StopSafelyAsync(bool isForced)
    {
        try
        {
            await StopCoreAsync(isForced).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NullReferenceException or ObjectDisposedException)
        {
            // Nothing left to stop.
        }
    }

    /// <summary>Stops the wrapped backend; called at most once, after a start.</summary>
    protected virtual Task StopCoreAsync(bool isForced) => Inner.StopAsync(isForced);

    public virtual Task CreateAsync() => Inner.CreateAsync();

    public virtual Task CreateAsync(bool recreateInstanceStore) => Inner.CreateAsync(recreateInstanceStore);

    public virtual Task CreateIfNotExistsAsync() => Inner.CreateIfNotExistsAsync();

    public virtual Task DeleteAsync() => Inner.DeleteAsync();

    public virtual Task DeleteAsync(bool deleteInstanceStore) => Inner.DeleteAsync(deleteInstanceStore);

    public virtual bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        Inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public virtual int GetDelayInSecondsAfterOnProcessException(Exception exception) =>
        Inner.GetDelayInSecondsAfterOnProcessException(exception);

    public virtual int GetDelayInSecondsAfterOnFetchException(Exception exception) =>
        Inner.GetDelayInSecondsAfterOnFetchException(exception);

    public virtual Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        Inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public virtual Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) =>
        Inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public virtual Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        Inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public virtual Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        Inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public virtual Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        Inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public virtual Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        Inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public virtual Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) =>
        Inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public virtual Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        Inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public virtual Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) =>
        Inner.AbandonTaskActivityWorkItemAsync(workItem);

    public virtual Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) =>
        _client.CreateTaskOrchestrationAsync(creationMessage);

    public virtual Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        _client.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);

    public virtual Task SendTaskOrchestrationMessageAsync(TaskMessage message) =>
        _client.SendTaskOrchestrationMessageAsync(message);

    public virtual Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) =>
        _client.SendTaskOrchestrationMessageBatchAsync(messages);

    public virtual Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        _client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);

    public virtual Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) =>
        _client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    public virtual Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        _client.GetOrchestrationStateAsync(instanceId, allExecutions);

    public virtual Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        _client.GetOrchestrationStateAsync(instanceId, executionId);

    public virtual Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) =>
        _client.GetOrchestrationHistoryAsync(instanceId, executionId);

    public virtual Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        _client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    public virtual Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        Inner is IOrchestrationServiceQueryClient queryClient
            ? queryClient.GetOrchestrationWithQueryAsync(query, cancellationToken)
            : throw new NotSupportedException($"{Inner.GetType().Name} does not support queries.");

    public virtual Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        Inner is IOrchestrationServicePurgeClient purge
            ? purge.PurgeInstanceStateAsync(instanceId)
            : throw new NotSupportedException($"{Inner.GetType().Name} does not support purging.");

    public virtual Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        Inner is IOrchestrationServicePurgeClient purge
            ? purge.PurgeInstanceStateAsync(purgeInstanceFilter)
            : throw new NotSupportedException($"{Inner.GetType().Name} does not support purging.");
}
