using DurableTask.Core;

namespace Hybrid.Host.Backends;

/// <summary>
/// Workaround for the in-memory backend of the preview sidecar, which reports the processor count as its concurrency
/// limits. The sidecar's dispatchers stop fetching at that limit and then poll every 500 ms for a free slot, so on a
/// 2-core machine 200 orchestrations of 5 activities took about 300 s instead of about 6 s. This decorator reports the
/// configured limits instead.
/// </summary>
internal sealed class ConcurrencyLimitsDecorator : OrchestrationServiceDecorator
{
    private readonly int _maxOrchestrations;
    private readonly int _maxActivities;

    public ConcurrencyLimitsDecorator(IOrchestrationService inner, int maxOrchestrations, int maxActivities)
        : base(inner)
    {
        _maxOrchestrations = Check.Positive(maxOrchestrations);
        _maxActivities = Check.Positive(maxActivities);
    }

    public override int MaxConcurrentTaskOrchestrationWorkItems => _maxOrchestrations;

    public override int MaxConcurrentTaskActivityWorkItems => _maxActivities;
}
