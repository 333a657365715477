using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Backends;

/// <summary>
/// The in-memory backend's retention of closed executions (<see cref="DurableBackendOptions.InMemoryRetention"/>): every
/// <see cref="Interval"/> it purges the executions that closed (completed, failed or terminated) longer than the retention
/// ago, with every instance they started (<see cref="ExecutionIds.ChildPrefix"/>), their Step Functions history and
/// their started-task records and stop marks (<see cref="IStartedTaskStore"/>), so a
/// host that serves for days stays bounded. An execution with any instance still open is left for a later round, and only
/// Hybrid's executions are purged: other orchestrations on the backend have no known family.
/// <para>
/// The sidecar's in-memory store filters by creation time, status and id prefix, and its purge by filter ignores the
/// prefix; so each round lists the closed instances created before the cutoff (an execution closes after it was created),
/// keeps the executions whose last update (their completion) is older too, and purges each one's instances by id, children
/// first, so that an execution interrupted half-way is found again by the next round. The store purges an instance by id
/// only once it has completed.
/// </para>
/// </summary>
/// <remarks>
/// The backend stamps instances with the system clock, so the cutoff is read from it too, never from a host's
/// <see cref="TimeProvider"/>. Registered after the backend's hosted service, it stops before the backend does, and its
/// stop waits for a round under way.
/// </remarks>
internal sealed class ClosedExecutionRetention : BackgroundService
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    private static readonly OrchestrationRuntimeStatus[] Closed =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private readonly DurableTaskClient _client;
    private readonly InMemoryExecutionHistoryStore? _history;
    private readonly InMemoryStartedTaskStore? _started;
    private readonly ILogger _logger;

    /// <summary>
    /// Purges with <paramref name="client"/>, and from <paramref name="history"/> and <paramref name="started"/> (the
    /// execution's started tasks and stop marks) unless the host keeps them elsewhere.
    /// </summary>
    public ClosedExecutionRetention(
        DurableTaskClient client, TimeSpan retention, InMemoryExecutionHistoryStore? history, InMemoryStartedTaskStore? started, ILogger<ClosedExecutionRetention> logger)
    {
        _client = Check.NotNull(client);
        Retention = Check.Positive(retention);
        Interval = IntervalFor(retention);
        _history = history;
        _started = started;
        _logger = Check.NotNull(logger);
    }

    public TimeSpan Retention { get; }

    /// <summary>A tenth of the retention, from 100 ms to a minute: an execution outlives its retention by at most this.</summary>
    public TimeSpan Interval { get; }

    internal static TimeSpan IntervalFor(TimeSpan retention)
    {
        var tenth = retention / 10;
        return tenth < MinInterval ? MinInterval : tenth > MaxInterval ? MaxInterval : tenth;
    }

    /// <summary>Purges the executions closed longer than <see cref="Retention"/> ago; answers how many.</summary>
    internal async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = TimeProvider.System.GetUtcNow() - Retention;
        var query = new OrchestrationQuery { CreatedTo = cutoff, Statuses = Closed, PageSize = 1000 };

        // Listed first and purged after: the store pages by position, so purging while listing would skip instances.
        var expired = new List<string>();
        await foreach (var instance in _client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (instance.Name == DurableNames.Machine && instance.LastUpdatedAt <= cutoff && ExecutionIds.TrySplit(instance.InstanceId, out _, out _))
            {
                expired.Add(instance.InstanceId);
            }
        }

        var purged = 0;
        foreach (var executionId in expired)
        {
            if (await PurgeAsync(executionId, cancellationToken).ConfigureAwait(false))
            {
                purged++;
            }
        }

        return purged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
                try
                {
                    var purged = await PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
                    if (purged > 0)
                    {
                        Logs.ExecutionsExpired(_logger, purged, Retention);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    Logs.RetentionFailed(_logger, e);
                }
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: a round under way ends at its next call, before the backend stops.
        }
    }

    /// <summary>Purges one closed execution, unless one of its instances is still open. False: left for a later round.</summary>
    private async Task<bool> PurgeAsync(string executionId, CancellationToken cancellationToken)
    {
        var children = new List<string>();
        var query = new OrchestrationQuery { InstanceIdPrefix = ExecutionIds.ChildPrefix(executionId), PageSize = 1000 };
        await foreach (var child in _client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!Closed.Contains(child.RuntimeStatus))
            {
                return false;
            }

            children.Add(child.InstanceId);
        }

        foreach (var child in children)
        {
            await _client.PurgeInstanceAsync(child, cancellation: cancellationToken).ConfigureAwait(false);
        }

        var result = await _client.PurgeInstanceAsync(executionId, cancellation: cancellationToken).ConfigureAwait(false);
        _history?.Remove(executionId);
        _started?.Remove(executionId);
        return result.PurgedInstanceCount > 0;
    }
}
