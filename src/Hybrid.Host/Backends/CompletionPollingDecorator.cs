using DurableTask.Core;

namespace Hybrid.Host.Backends;

/// <summary>
/// Azure Storage answers "wait for completion" by reading the instance row every 2 s, which adds a second on average to
/// every wait a client makes (and the sidecar forwards <c>WaitForInstanceCompletion</c> to it). This decorator polls the
/// same row from 50 ms, backing off by half each time to a ceiling, so a short orchestration is seen done within tens of
/// milliseconds while a long one costs at most one read per ceiling interval.
/// </summary>
internal sealed class CompletionPollingDecorator : OrchestrationServiceDecorator
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(50);
    private readonly TimeSpan _maxInterval;
    private readonly TimeProvider _time;

    public CompletionPollingDecorator(IOrchestrationService inner, TimeSpan maxInterval, TimeProvider? time = null)
        : base(inner)
    {
        _maxInterval = Check.Positive(maxInterval);
        _time = time ?? TimeProvider.System;
    }

    public override async Task<OrchestrationState> WaitForOrchestrationAsync(
        string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Check.NotEmpty(instanceId);
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive or infinite.");
        }

        var started = _time.GetTimestamp();
        var interval = FirstInterval;
        while (true)
        {
            var state = await GetOrchestrationStateAsync(instanceId, executionId).ConfigureAwait(false);
            if (state is not null && IsFinished(state.OrchestrationStatus))
            {
                return state;
            }

            var delay = interval;
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
            interval = TimeSpan.FromTicks(Math.Min(_maxInterval.Ticks, interval.Ticks + (interval.Ticks / 2)));
        }
    }

    /// <summary>The same states Azure Storage's own wait treats as final.</summary>
    internal static bool IsFinished(OrchestrationStatus status) => status is not
        (OrchestrationStatus.Running or OrchestrationStatus.Pending or OrchestrationStatus.Suspended or OrchestrationStatus.ContinuedAsNew);
}
