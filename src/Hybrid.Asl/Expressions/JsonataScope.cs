using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Jsonata;

namespace Hybrid.Asl.Expressions;

/// <summary>
/// What the expressions of one JSONata state see: <c>$states</c> (input, context, and result or errorOutput where the
/// field has one), the variables, AWS's added functions, and the execution's clock and entropy behind <c>$now()</c>,
/// <c>$millis()</c>, <c>$random()</c>, <c>$shuffle()</c> and <c>$uuid()</c>. Each value is converted for the evaluator
/// at most once per state, however many expressions read it.
/// </summary>
internal sealed class JsonataScope
{
    private readonly ExpressionContext _context;
    private readonly Shared _shared;
    private readonly JsonataDocument? _result;
    private readonly JsonataDocument? _errorOutput;
    private JsonataDocument? _states;
    private JsonataDocument? _statesWithContext;

    public JsonataScope(ExpressionContext context, DateTimeOffset now, JsonataRuntime runtime)
        : this(context, new Shared(runtime, new JsonataOptions { TimeProvider = new FixedClock(now), Random = runtime.Random }), null, null)
    {
    }

    private JsonataScope(ExpressionContext context, Shared shared, JsonataDocument? result, JsonataDocument? errorOutput)
    {
        _context = context;
        _shared = shared;
        _result = result;
        _errorOutput = errorOutput;
    }

    public JsonataOptions Options => _shared.Options;

    /// <summary>The same scope with <c>$states.result</c> (Output and Assign of Task, Parallel and Map).</summary>
    public JsonataScope WithResult(JsonNode? result) => new(_context, _shared, JsonataDocument.From(result), null);

    /// <summary>The same scope with <c>$states.errorOutput</c> (Output and Assign of a Catch).</summary>
    public JsonataScope WithErrorOutput(JsonNode? errorOutput) => new(_context, _shared, null, JsonataDocument.From(errorOutput));

    /// <summary>The same scope for one Map item: <c>$states.context.Map.Item</c> differs, the rest is shared.</summary>
    public JsonataScope WithContext(ExpressionContext context) => new(context, _shared with { Context = null }, null, null);

    internal JsonataBindings BindingsFor(JsonataTemplate.ExpressionNode expression)
    {
        var bindings = new JsonataBindings(_shared.Runtime.Bindings);
        if (expression.ReadsStates)
        {
            bindings.Bind("states", expression.ReadsContext ? _statesWithContext ??= States(withContext: true) : _states ??= States(withContext: false));
        }

        foreach (var name in expression.Variables)
        {
            if (_context.Variables.TryGetValue(name, out var value))
            {
                var variables = _shared.Variables ??= new Dictionary<string, JsonataDocument>(StringComparer.Ordinal);
                if (!variables.TryGetValue(name, out var document))
                {
                    variables[name] = document = JsonataDocument.From(value);
                }

                bindings.Bind(name, document);
            }
        }

        return bindings;
    }

    private JsonataDocument States(bool withContext)
    {
        var members = new List<KeyValuePair<string, JsonataDocument>>(4)
        {
            new("input", _shared.Input ??= JsonataDocument.From(_context.Input)),
        };
        if (withContext)
        {
            members.Add(new("context", _shared.Context ??= ContextDocument()));
        }

        if (_result is not null)
        {
            members.Add(new("result", _result));
        }

        if (_errorOutput is not null)
        {
            members.Add(new("errorOutput", _errorOutput));
        }

        return JsonataDocument.Object(members);
    }

    /// <summary>
    /// <c>$states.context</c>: the execution-wide members come converted from the runtime (the execution input is not
    /// copied and converted again for every state and Map item); only State, Task and Map are converted here.
    /// </summary>
    private JsonataDocument ContextDocument()
    {
        if (_context.State is not { } state)
        {
            return JsonataDocument.From(_context.Context);
        }

        var members = new List<KeyValuePair<string, JsonataDocument>>(_shared.Runtime.ExecutionMembers(state.Execution));
        members.AddRange(state.StateMembers().Select(m => new KeyValuePair<string, JsonataDocument>(m.Key, JsonataDocument.From(m.Value))));
        return JsonataDocument.Object(members);
    }

    /// <summary>What the scopes of one state share: the converted input, context object and variables.</summary>
    private sealed record Shared(JsonataRuntime Runtime, JsonataOptions Options)
    {
        public JsonataDocument? Input { get; set; }

        public JsonataDocument? Context { get; set; }

        public Dictionary<string, JsonataDocument>? Variables { get; set; }
    }

    /// <summary>The execution's clock as JSONata sees it: the instant the state's expressions are evaluated.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>
/// What the JSONata evaluations of one interpreter share: the functions Step Functions adds to JSONata
/// (<c>$partition</c>, <c>$range</c>, <c>$hash</c>, <c>$random</c> with an optional seed, <c>$uuid</c>, <c>$parse</c>)
/// with <c>$eval</c> withdrawn, bound once over the execution port's entropy so that a replay sees the same values; and
/// the execution-wide part of the context object, converted once.
/// </summary>
internal sealed class JsonataRuntime
{
    private ConvertedExecution? _execution;

    private const string Failure = "States.QueryEvaluationError";
    private const double TwoTo53 = 9007199254740992d;

    public JsonataRuntime(IEntropy entropy)
    {
        ArgumentNullException.ThrowIfNull(entropy);
        Random = () => entropy.NextInt64(0, 1L << 53) / TwoTo53;
        Bindings = new JsonataBindings()
            .BindFunction("partition", Partition, "<an:a>")
            .BindFunction("range", Range, "<nnn:a>")
            .BindFunction("hash", Hash, "<ss:s>")
            .BindFunction("random", args => JsonValue.Create(args.Count > 0 && !args[0].IsUndefined ? Seeded(Number(args[0])) : Random()), "<n?:n>")
            .BindFunction("uuid", _ => JsonValue.Create(entropy.NewUuidV4()), "<:s>")
            .BindFunction("parse", Parse, "<s:j>")
            .Hide("eval");
    }

    public JsonataBindings Bindings { get; }

    /// <summary>The context object's Execution and StateMachine members, converted once per execution.</summary>
    public KeyValuePair<string, JsonataDocument>[] ExecutionMembers(ExecutionInfo execution)
    {
        // Branches may ask from several threads: the worst case converts twice, and either result is right.
        if (_execution is { } cached && ReferenceEquals(cached.Execution, execution))
        {
            return cached.Members;
        }

        var members = StateContext.ExecutionMembers(execution).Select(m => new KeyValuePair<string, JsonataDocument>(m.Key, JsonataDocument.From(m.Value))).ToArray();
        _execution = new ConvertedExecution(execution, members);
        return members;
    }

    private sealed record ConvertedExecution(ExecutionInfo Execution, KeyValuePair<string, JsonataDocument>[] Members);

    /// <summary>A number in [0, 1) from the execution's entropy (<c>$random()</c> and <c>$shuffle()</c>).</summary>
    public Func<double> Random { get; }

    private static JsonataValue Partition(IReadOnlyList<JsonataValue> args)
    {
        var array = args[0].Node as JsonArray ?? [];
        var size = Number(args[1]);
        if (size < 1 || size != Math.Floor(size))
        {
            throw new JsonataException(Failure, $"The chunk size of $partition must be a positive integer, not {size}.");
        }

        var result = new JsonArray();
        var chunk = new JsonArray();
        foreach (var item in array)
        {
            chunk.Add(item?.DeepClone());
            if (chunk.Count == (int)Math.Min(size, int.MaxValue))
            {
                result.Add(chunk);
                chunk = [];
            }
        }

        if (chunk.Count > 0)
        {
            result.Add(chunk);
        }

        return result;
    }

    private static JsonataValue Range(IReadOnlyList<JsonataValue> args)
    {
        var start = Number(args[0]);
        var end = Number(args[1]);
        var step = Number(args[2]);
        if (start != Math.Floor(start) || end != Math.Floor(end) || step != Math.Floor(step))
        {
            throw new JsonataException(Failure, "The arguments of $range must be integers.");
        }

        if (step == 0)
        {
            throw new JsonataException(Failure, "The step of $range cannot be 0.");
        }

        var result = new JsonArray();
        for (var value = start; step > 0 ? value <= end : value >= end; value += step)
        {
            if (result.Count >= IntrinsicEvaluator.MaxRangeItems)
            {
                throw new JsonataException(Failure, $"$range returns at most {IntrinsicEvaluator.MaxRangeItems} items.");
            }

            result.Add(JsonValue.Create((long)value));
        }

        return result;
    }

    private static JsonataValue Hash(IReadOnlyList<JsonataValue> args)
    {
        var algorithm = AslJson.StringOf(args[1].Node!);
        return JsonValue.Create(IntrinsicEvaluator.HexHash(AslJson.StringOf(args[0].Node!), algorithm)
            ?? throw new JsonataException(Failure, $"The algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384 or SHA-512, not '{algorithm}'."));
    }

    private static JsonataValue Parse(IReadOnlyList<JsonataValue> args)
    {
        var text = AslJson.StringOf(args[0].Node!);
        try
        {
            return JsonataValue.From(AslJson.Parse(text));
        }
        catch (JsonException e)
        {
            throw new JsonataException(Failure, $"$parse could not parse its argument as JSON: {e.Message}");
        }
    }

    /// <summary>A seeded <c>$random(seed)</c>: the same seed always gives the same number (SplitMix64 of the seed).</summary>
    private static double Seeded(double seed)
    {
        var z = (ulong)BitConverter.DoubleToInt64Bits(seed + 0.0) + 0x9E3779B97F4A7C15UL; // + 0.0 makes -0 and 0 one seed
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) / TwoTo53;
    }

    private static double Number(JsonataValue value) => value.Node is JsonValue v && JsonNumbers.TryGetDouble(v, out var d) ? d : double.NaN;
}
