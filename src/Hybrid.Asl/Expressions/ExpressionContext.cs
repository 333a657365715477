using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;

namespace Hybrid.Asl.Expressions;

/// <summary>
/// What a JSONPath, an intrinsic function or a payload template can read: the current input (<c>$</c>), the context
/// object (<c>$$</c>), the variables (<c>$name</c>), and the deterministic sources for <c>States.UUID</c> and
/// <c>States.MathRandom</c>. Nodes reachable from here are never mutated: whoever builds new JSON from them clones.
/// </summary>
public sealed class ExpressionContext
{
    private static readonly IReadOnlyDictionary<string, JsonNode?> NoVariables = new Dictionary<string, JsonNode?>();

    private readonly ContextHolder _context;

    public ExpressionContext(
        JsonNode? input,
        JsonNode? context = null,
        IReadOnlyDictionary<string, JsonNode?>? variables = null,
        IEntropy? entropy = null)
        : this(input, new ContextHolder(context, null), variables, entropy)
    {
    }

    /// <summary>
    /// A context whose <c>$$</c> object is built only if an expression reads it: most states never do, and building it
    /// (with a copy of the execution input) on every transition would dominate the interpreter's cost.
    /// </summary>
    public ExpressionContext(
        JsonNode? input,
        Func<JsonNode?> contextFactory,
        IReadOnlyDictionary<string, JsonNode?>? variables = null,
        IEntropy? entropy = null)
        : this(input, new ContextHolder(null, contextFactory), variables, entropy)
    {
    }

    /// <summary>The interpreter's context: <c>$$</c> built on first use from the state's <see cref="StateContext"/>.</summary>
    internal ExpressionContext(JsonNode? input, StateContext state, IReadOnlyDictionary<string, JsonNode?> variables, IEntropy entropy)
        : this(input, new ContextHolder(null, state.Build), variables, entropy, state)
    {
    }

    private ExpressionContext(JsonNode? input, ContextHolder context, IReadOnlyDictionary<string, JsonNode?>? variables, IEntropy? entropy, StateContext? state = null)
    {
        State = state;
        Input = input;
        _context = context;
        Variables = variables ?? NoVariables;
        Entropy = entropy ?? Expressions.Entropy.Unavailable;
    }

    public JsonNode? Input { get; }

    /// <summary>The context object (<c>$$</c>), built on first use when a factory was given.</summary>
    public JsonNode? Context => _context.Value;

    public IReadOnlyDictionary<string, JsonNode?> Variables { get; }

    public IEntropy Entropy { get; }

    /// <summary>What the context object is built from, when the interpreter made this context.</summary>
    internal StateContext? State { get; }

    public ExpressionContext WithInput(JsonNode? input) => new(input, _context, Variables, Entropy, State);

    /// <summary>
    /// Returns a node that can be put into a new parent: <paramref name="node"/> itself when it is new JSON, a deep clone
    /// when it belongs to this context (it has a parent, or it is the input, the context object or a variable's value).
    /// </summary>
    public JsonNode? Own(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        return node.Parent is not null || IsRoot(node) ? node.DeepClone() : node;
    }

    private bool IsRoot(JsonNode node)
    {
        // The context object is only compared when it was built: building it here would defeat its laziness.
        if (ReferenceEquals(node, Input) || (_context.IsBuilt && ReferenceEquals(node, _context.Value)))
        {
            return true;
        }

        foreach (var pair in Variables)
        {
            if (ReferenceEquals(pair.Value, node))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class ContextHolder(JsonNode? value, Func<JsonNode?>? factory)
    {
        private JsonNode? _value = value;
        private Func<JsonNode?>? _factory = factory;

        public bool IsBuilt => _factory is null;

        public JsonNode? Value
        {
            get
            {
                if (_factory is not null)
                {
                    _value = _factory();
                    _factory = null;
                }

                return _value;
            }
        }
    }
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

    /// <summary>
    /// A version 4 UUID in its 36-character form (JSONata's $uuid): the source's id with the version and variant bits
    /// set, since an orchestration context hands out name-based (version 5) ids. States.UUID keeps the source's id as it
    /// is: changing it would change what executions recorded by earlier builds replay (see the durable replay tests).
    /// </summary>
    public static string NewUuidV4(this IEntropy entropy)
    {
        ArgumentNullException.ThrowIfNull(entropy);
        Span<byte> bytes = stackalloc byte[16];
        entropy.NewGuid().TryWriteBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    private sealed class UnavailableEntropy : IEntropy
    {
        public Guid NewGuid() => throw new InvalidOperationException("No entropy source was supplied to this expression context.");

        public long NextInt64(long minInclusive, long maxExclusive) =>
            throw new InvalidOperationException("No entropy source was supplied to this expression context.");
    }
}
