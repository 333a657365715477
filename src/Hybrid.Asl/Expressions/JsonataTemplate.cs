using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;
using Hybrid.Jsonata;
using Node = Hybrid.Asl.Expressions.TemplateNode<Hybrid.Asl.Expressions.JsonataTemplate.Env>;

namespace Hybrid.Asl.Expressions;

/// <summary>
/// The JSON value of a JSONata state's field (Arguments, Output, Assign, Items, ItemSelector, Condition, a Wait or
/// timeout number, a Fail Error or Cause), compiled once when the definition is parsed: every string of the form
/// <c>{% expression %}</c>, at any depth, is a JSONata expression; everything else is copied as it is.
/// </summary>
internal sealed partial class JsonataTemplate
{
    private readonly Node _root;

    private JsonataTemplate(Node root) => _root = root;

    /// <summary>Whether the whole field is one expression (rather than JSON with expressions inside).</summary>
    public bool IsExpression => _root is ExpressionNode;

    /// <summary>Whether a string is written as an expression: it starts with <c>{%</c> and ends with <c>%}</c>.</summary>
    public static bool IsExpressionText(string text) =>
        text.Length >= 4 && text.StartsWith("{%", StringComparison.Ordinal) && text.EndsWith("%}", StringComparison.Ordinal);

    /// <summary>
    /// Compiles a field. Every invalid expression is reported with its pointer relative to the field (<c>/a/0</c>);
    /// the result is null when there is any.
    /// </summary>
    public static JsonataTemplate? Compile(JsonNode? node, StatesFields available, out IReadOnlyList<TemplateError> errors)
    {
        var found = new List<TemplateError>();
        var root = CompileNode(node, "", "", new Compilation(available, found));
        errors = found;
        return found.Count == 0 ? new JsonataTemplate(root) : null;
    }

    /// <summary>
    /// Evaluates the field. An expression that fails, or that returns nothing (undefined), raises
    /// States.QueryEvaluationError naming the expression and where it sits (<c>Arguments/Input/id</c>). The result is
    /// new JSON, shared with nothing.
    /// </summary>
    public JsonNode? Evaluate(JsonataScope scope, string field) => _root.Evaluate(new Env(scope, field));

    private static Node CompileNode(JsonNode? node, string pointer, string path, Compilation compilation)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var members = new List<(string Key, Node Value)>(obj.Count);
                foreach (var (key, value) in obj)
                {
                    members.Add((key, CompileNode(value, pointer + "/" + Escape(key), path + "/" + key, compilation)));
                }

                return members.TrueForAll(m => m.Value is LiteralNode<Env>) ? new LiteralNode<Env>(obj.DeepClone()) : new ObjectNode<Env>([.. members]);
            }

            case JsonArray array:
            {
                var items = new Node[array.Count];
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    items[i] = CompileNode(array[i], pointer + "/" + index, path + "/" + index, compilation);
                }

                return Array.TrueForAll(items, n => n is LiteralNode<Env>) ? new LiteralNode<Env>(array.DeepClone()) : new ArrayNode<Env>(items);
            }

            default:
                if (AslJson.TryGetString(node, out var text) && text.StartsWith("{%", StringComparison.Ordinal))
                {
                    return CompileExpression(text, pointer, path, compilation);
                }

                return new LiteralNode<Env>(node?.DeepClone());
        }
    }

    private static Node CompileExpression(string text, string pointer, string path, Compilation compilation)
    {
        var errors = compilation.Errors;
        if (!IsExpressionText(text))
        {
            errors.Add(new TemplateError(pointer, $"The JSONata expression '{text}' must end with '%}}': an expression is written \"{{% ... %}}\"."));
            return new LiteralNode<Env>(null);
        }

        var source = text[2..^2].Trim();
        if (source.Length == 0)
        {
            errors.Add(new TemplateError(pointer, "The JSONata expression is empty: write an expression between '{%' and '%}'."));
            return new LiteralNode<Env>(null);
        }

        foreach (Match reference in ReservedReference().Matches(source))
        {
            var name = reference.Groups[1].Value;
            if (!compilation.Available.HasFlag(name == "result" ? StatesFields.Result : StatesFields.ErrorOutput))
            {
                errors.Add(new TemplateError(pointer, name == "result"
                    ? "$states.result is not available here: it exists only in the Output and Assign of Task, Parallel and Map states."
                    : "$states.errorOutput is not available here: it exists only in the Output and Assign of a Catch."));
                return new LiteralNode<Env>(null);
            }
        }

        try
        {
            return new ExpressionNode(JsonataExpression.Compile(source), source, path.TrimStart('/'));
        }
        catch (JsonataException e)
        {
            var at = e.Position >= 0 ? $" at character {e.Position}" : "";
            errors.Add(new TemplateError(pointer, $"The JSONata expression '{source}' is not valid: {e.Code}{at}: {e.Message}"));
            return new LiteralNode<Env>(null);
        }
    }

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>A <c>$name</c>: JSONata names run to the next operator or space, so this finds a superset of the variables read.</summary>
    [GeneratedRegex(@"\$([\p{L}\p{Nd}_]+)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\$states\b(?!\s*\.\s*(input|result|errorOutput)\b)")]
    private static partial Regex WholeStatesReference();

    [GeneratedRegex(@"\$states\s*\.\s*(result|errorOutput)\b")]
    private static partial Regex ReservedReference();

    private sealed record Compilation(StatesFields Available, List<TemplateError> Errors);

    /// <summary>One expression, with what it can read: the <c>$name</c>s in its text (a superset of the variables it uses).</summary>
    internal sealed class ExpressionNode : Node
    {
        public ExpressionNode(JsonataExpression expression, string source, string path)
        {
            Expression = expression;
            Source = source;
            Path = path;
            var names = VariableReference().Matches(source).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
            ReadsStates = names.Remove("states");

            // The context object is costly to build: leave it out only when every use of $states names another part.
            ReadsContext = ReadsStates && (source.Contains("context", StringComparison.Ordinal) || WholeStatesReference().IsMatch(source));
            Variables = [.. names];
        }

        public JsonataExpression Expression { get; }

        public string Source { get; }

        /// <summary>Where the expression sits inside its field ("" for the whole field, "Input/id" inside it).</summary>
        public string Path { get; }

        public bool ReadsStates { get; }

        public bool ReadsContext { get; }

        public string[] Variables { get; }

        public override JsonNode? Evaluate(in Env env)
        {
            var where = Path.Length == 0 ? env.Field : env.Field + "/" + Path;
            JsonataValue value;
            try
            {
                value = Expression.Evaluate(JsonataValue.Undefined, env.Scope.BindingsFor(this), env.Scope.Options);
            }
            catch (JsonataException e)
            {
                throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.Failed(Source, where, e));
            }

            return value.IsUndefined
                ? throw new AslException(ErrorNames.QueryEvaluationError, JsonataErrors.Undefined(Source, where))
                : value.Node;
        }
    }

    /// <summary>What a JSONata template evaluates against: the state's scope, and the field's name for error causes.</summary>
    internal readonly record struct Env(JsonataScope Scope, string Field);
}

/// <summary>The parts of <c>$states</c> beyond input and context that a field can read.</summary>
[Flags]
internal enum StatesFields
{
    None = 0,

    /// <summary><c>$states.result</c>: the Output and Assign of Task, Parallel and Map.</summary>
    Result = 1,

    /// <summary><c>$states.errorOutput</c>: the Output and Assign of a Catch.</summary>
    ErrorOutput = 2,
}

/// <summary>The cause texts of States.QueryEvaluationError, in AWS's words where they are known.</summary>
internal static class JsonataErrors
{
    /// <summary>AWS: <c>The JSONata expression '$states.input.a' specified for the field 'Arguments/a' returned nothing (undefined).</c></summary>
    public static string Undefined(string expression, string field) =>
        $"The JSONata expression '{expression}' specified for the field '{field}' returned nothing (undefined).";

    public static string Failed(string expression, string field, JsonataException error) =>
        $"The JSONata expression '{expression}' specified for the field '{field}' threw an error during evaluation: {error.Code}: {error.Message}";

    /// <summary>A result of the wrong type for its field (a Condition that is not a boolean, Items that are not an array, ...).</summary>
    public static string WrongType(string field, string expected, JsonNode? value) =>
        $"The JSONata expression specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{AslJson.TypeName(value)}' for value: {AslJson.ToJsonString(value)}";
}
