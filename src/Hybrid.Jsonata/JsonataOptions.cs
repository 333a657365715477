namespace Hybrid.Jsonata;

/// <summary>Limits and sources of non-determinism for one evaluation.</summary>
public sealed record JsonataOptions
{
    /// <summary>The default options: no depth or time limit beyond the stack guard, the system clock and random source.</summary>
    public static JsonataOptions Default { get; } = new();

    /// <summary>
    /// The deepest nesting of expression evaluation allowed (each evaluated sub-expression is one level, as in the
    /// reference test runner); exceeding it raises <c>U1001</c>. Zero or less means no limit (a stack guard still
    /// raises <c>U1001</c> before the process stack would overflow).
    /// </summary>
    public int MaxDepth { get; init; }

    /// <summary>The longest an evaluation may run; exceeding it raises <c>U1001</c>. Null means no limit.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The clock behind <c>$now()</c> and <c>$millis()</c> (read once per evaluation). Defaults to the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>The source of <c>$random()</c> and <c>$shuffle()</c>: returns a number in [0, 1). Defaults to <see cref="Random.Shared"/>.</summary>
    public Func<double>? Random { get; init; }
}
