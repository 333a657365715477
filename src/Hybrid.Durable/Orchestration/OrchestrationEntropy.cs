using Hybrid.Asl.Expressions;
using Microsoft.DurableTask;

namespace Hybrid.Durable.Orchestration;

/// <summary>Ids and random numbers from the orchestration context, so that every replay sees the same values.</summary>
internal sealed class OrchestrationEntropy(TaskOrchestrationContext context) : IEntropy
{
    public Guid NewGuid() => context.NewGuid();

    public long NextInt64(long minInclusive, long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minInclusive, maxExclusive);
        Span<byte> bytes = stackalloc byte[16];
        context.NewGuid().TryWriteBytes(bytes);
        var value = BitConverter.ToUInt64(bytes);
        return minInclusive + (long)(value % (ulong)(maxExclusive - minInclusive));
    }
}
