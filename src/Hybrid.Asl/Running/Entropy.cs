using Hybrid.Asl.Expressions;

namespace Hybrid.Asl.Running;

/// <summary>
/// A seeded SplitMix64 source of ids and random numbers: the same seed gives the same sequence, which makes
/// direct runs reproducible (fixtures, tests) without reading a clock or a system random source.
/// </summary>
public sealed class SeededEntropy : IEntropy
{
    private readonly Lock _lock = new();
    private ulong _state;

    public SeededEntropy(ulong seed)
    {
        _state = seed;
    }

    public Guid NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, Next());
        BitConverter.TryWriteBytes(bytes[8..], Next());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    public long NextInt64(long minInclusive, long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minInclusive, maxExclusive);
        var range = (ulong)(maxExclusive - minInclusive);
        return minInclusive + (long)(Next() % range);
    }

    private ulong Next()
    {
        lock (_lock)
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
