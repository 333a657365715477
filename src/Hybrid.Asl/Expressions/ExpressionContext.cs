using System.Text.Json.Nodes;

namespace Hybrid.Asl.Expressions;

/// <summary>
/// What a JSONPath, an intrinsic function or a payload template can read: the current input (<c>$</c>), the context
/// object (<c>$$</c>), the variables (<c>$name</c>), and the deterministic sources for <c>States.UUID</c> and
/// <c>States.MathRandom</c>. Nodes reachable from here are never mutated: whoever builds new JSON from them clones.
/// </summary>
public sealed class ExpressionContext
{
    private static readonly IReadOnlyDictionary<string, JsonNode?> NoVariables = new Dictionary<string, JsonNode?>();

    public ExpressionContext(
        JsonNode? input,
        JsonNode? context = null,
        IReadOnlyDictionary<string, JsonNode?>? variables = null,
        IEntropy? entropy = null)
    {
        Input = input;
        Context = context;
        Variables = variables ?? NoVariables;
        Entropy = entropy ?? Expressions.Entropy.Unavailable;
    }

    public JsonNode? Input { get; }

    public JsonNode? Context { get; }

    public IReadOnlyDictionary<string, JsonNode?> Variables { get; }

    public IEntropy Entropy { get; }

    public ExpressionContext WithInput(JsonNode? input) => new(input, Context, Variables, Entropy);
}

/// <summary>Ids and random numbers, supplied by the execution port so that replays see the same values.</summary>
public interface IEntropy
{
    /// <summary>A new version-4 style UUID.</summary>
    Guid NewGuid();

    /// <summary>A random integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    long NextInt64(long minInclusive, long maxExclusive);
}

/// <summary>Built-in entropy sources.</summary>
public static class Entropy
{
    /// <summary>Refuses to produce values: for contexts (validation, tests) where none should be needed.</summary>
    public static IEntropy Unavailable { get; } = new UnavailableEntropy();

    private sealed class UnavailableEntropy : IEntropy
    {
        public Guid NewGuid() => throw new InvalidOperationException("No entropy source was supplied to this expression context.");

        public long NextInt64(long minInclusive, long maxExclusive) =>
            throw new InvalidOperationException("No entropy source was supplied to this expression context.");
    }
}
