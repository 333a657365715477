using System.Text.Json.Nodes;
using Hybrid.Jsonata.Internal;

namespace Hybrid.Jsonata;

/// <summary>
/// A compiled JSONata 2.0.6 expression. Compile once with <see cref="Compile"/>, then evaluate it any number of
/// times, from any number of threads, against JSON input.
/// </summary>
/// <example>
/// <code>
/// var expr = JsonataExpression.Compile("$sum(Account.Order.Product.(Price * Quantity))");
/// JsonataValue total = expr.Evaluate(JsonNode.Parse(json));
/// if (!total.IsUndefined) Console.WriteLine(total.Node);
/// </code>
/// </example>
public sealed class JsonataExpression
{
    private readonly Node _root;

    private JsonataExpression(string source, Node root)
    {
        Source = source;
        _root = root;
    }

    /// <summary>The expression text.</summary>
    public string Source { get; }

    /// <summary>Parses and compiles an expression.</summary>
    /// <exception cref="JsonataException">The expression is not valid JSONata (codes <c>S0xxx</c>).</exception>
    public static JsonataExpression Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var ast = Parser.Parse(expression);
        return new JsonataExpression(expression, Compiler.Compile(ast));
    }

    /// <summary>Evaluates the expression against a JSON document (a null node is JSON null).</summary>
    /// <exception cref="JsonataException">A type or dynamic error, or an exceeded limit (<c>U1001</c>).</exception>
    public JsonataValue Evaluate(JsonNode? input, JsonataBindings? bindings = null, JsonataOptions? options = null) =>
        Evaluate(JsonataValue.From(input), bindings, options);

    /// <summary>Evaluates the expression; pass <see cref="JsonataValue.Undefined"/> for no input at all.</summary>
    /// <exception cref="JsonataException">A type or dynamic error, or an exceeded limit (<c>U1001</c>).</exception>
    public JsonataValue Evaluate(JsonataValue input, JsonataBindings? bindings = null, JsonataOptions? options = null)
    {
        var result = EvaluateInternal(Convert2.FromPublic(input), bindings, options);
        return Convert2.ToPublic(result);
    }

    /// <summary>Evaluates the expression against a prepared document (see <see cref="JsonataDocument"/>).</summary>
    /// <exception cref="JsonataException">A type or dynamic error, or an exceeded limit (<c>U1001</c>).</exception>
    public JsonataValue Evaluate(JsonataDocument input, JsonataBindings? bindings = null, JsonataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Convert2.ToPublic(EvaluateInternal(input.Value, bindings, options));
    }

    /// <summary>Evaluates the expression and reports whether it produced a value (false means undefined).</summary>
    public bool TryEvaluate(JsonNode? input, out JsonNode? result, JsonataBindings? bindings = null, JsonataOptions? options = null)
    {
        var value = Evaluate(JsonataValue.From(input), bindings, options);
        result = value.Node;
        return !value.IsUndefined;
    }

    internal object? EvaluateInternal(object? input, JsonataBindings? bindings, JsonataOptions? options)
    {
        options ??= JsonataOptions.Default;
        var ctx = new EvalContext
        {
            Now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow(),
        };
        if (options.MaxDepth > 0)
        {
            ctx.MaxDepth = options.MaxDepth;
        }

        if (options.TimeLimit is { } limit)
        {
            ctx.Deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        }

        if (options.Random is not null)
        {
            ctx.Random = options.Random;
        }

        var env = new Frame(ctx);
        BindAll(env, bindings);

        env.Bind("$", input);
        if (input is JList { Sequence: false } array)
        {
            var wrapped = JList.Seq(array);
            wrapped.OuterWrapper = true;
            input = wrapped;
        }

        return _root.Eval(input, env);
    }

    /// <summary>The expression text.</summary>
    public override string ToString() => Source;

    private static void BindAll(Frame env, JsonataBindings? bindings)
    {
        if (bindings is null)
        {
            return;
        }

        BindAll(env, bindings.Parent);
        foreach (var (name, value) in bindings.Entries)
        {
            env.Bind(name, value);
        }
    }
}
