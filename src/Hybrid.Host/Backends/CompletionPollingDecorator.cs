using DurableTask.Core;

namespace Hybrid.Host.Backends;

/// <summary>
/// Azure Storage answers "wait for completion" by reading the instance row every 2 s, which adds a second on average to
/// every wait a client makes (and the sidecar forwards <c>WaitForInstanceCompletion</c> to it). This decorator polls the
/// same row from 25 ms, each pause a quarter longer than the one before up to a ceiling, so a wait overshoots the
/// completion by at most about a fifth of its length while a long one costs one read per ceiling interval. The waits
/// share a budget of about <see cref="ReadsPerSecond"/> reads a second (each pause lasts at least the number of waits in
/// progress divided by it, up to the ceiling), so that hundreds of waits do not load the storage more than the
/// backend's own polling would.
/// </summary>
internal sealed class CompletionPollingDecorator : OrchestrationServiceDecorator
{
    /// <summary>The read budget shared by all waits in progress.</summary>
    public const int ReadsPerSecond = 50;

    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(25);
    private readonly TimeSpan _maxInterval;
    private readonly TimeProvider _time;
    private int _waits;

    public CompletionPollingDecorator(IOrchestrationService inner, TimeSpan maxInterval, TimeProvider? time = null)
        : base(inner)
    {
        _maxInterval = Check.Positive(maxInterval);
        _time = time ?? TimeProvider.System;
    }

    public override async Task<OrchestrationState> WaitForOrchestrationAsync(
        string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Check.NotBlank(instanceId);
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive or infinite.");
        }

        Interlocked.Increment(ref _waits);
        try
        {
            return await PollAsync(instanceId, executionId, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waits);
        }
    }

    /// <summary>The same states Azure Storage's own wait treats as final.</summary>
    internal static bool IsFinished(OrchestrationStatus status) => status is not
        (OrchestrationStatus.Running or OrchestrationStatus.Pending or OrchestrationStatus.Suspended or OrchestrationStatus.ContinuedAsNew);

    private async Task<OrchestrationState> PollAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var interval = FirstInterval;
        while (true)
        {
            var state = await GetOrchestrationStateAsync(instanceId, executionId).ConfigureAwait(false);
            if (state is not null && IsFinished(state.OrchestrationStatus))
            {
                return state;
            }

            var shared = TimeSpan.FromTicks(Math.Min(_maxInterval.Ticks, TimeSpan.TicksPerSecond * Volatile.Read(ref _waits) / ReadsPerSecond));
            var delay = interval > shared ? interval : shared;
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                var left = timeout - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    return null!;
                }

                delay = left < delay ? left : delay;
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(_maxInterval.Ticks, interval.Ticks + (interval.Ticks / 4)));
        }
    }
}
