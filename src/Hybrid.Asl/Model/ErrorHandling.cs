namespace Hybrid.Asl.Model;

/// <summary>FULL jitter randomises each retry interval between 0 and its computed value; NONE keeps it exact.</summary>
public enum JitterStrategy
{
    None,
    Full,
}

/// <summary>One Retry entry.</summary>
public sealed record Retrier(
    IReadOnlyList<string> ErrorEquals,
    double IntervalSeconds,
    int MaxAttempts,
    double BackoffRate,
    int? MaxDelaySeconds,
    JitterStrategy JitterStrategy)
{
    public const double DefaultIntervalSeconds = 1;
    public const int DefaultMaxAttempts = 3;
    public const double DefaultBackoffRate = 2.0;
}

/// <summary>One Catch entry.</summary>
public sealed record Catcher(IReadOnlyList<string> ErrorEquals, string Next, OptionalPath ResultPath, Template? Assign, Template? Output);
