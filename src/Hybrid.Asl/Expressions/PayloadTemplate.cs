using System.Text.Json.Nodes;
using Hybrid.Asl.Json;
using TemplateNode = Hybrid.Asl.Expressions.TemplateNode<Hybrid.Asl.Expressions.PayloadTemplate.Env>;

namespace Hybrid.Asl.Expressions;

/// <summary>An invalid <c>.$</c> value found while compiling a template: where (a JSON pointer relative to the template) and why.</summary>
public readonly record struct TemplateError(string Pointer, string Message);

/// <summary>
/// A payload template (Parameters, ResultSelector, ItemSelector, the legacy Map Parameters), compiled once: keys ending
/// in <c>.$</c> hold a path or an intrinsic call whose value is stored under the key without the suffix; nested objects
/// and arrays are processed recursively; everything else is copied.
/// </summary>
public sealed class PayloadTemplate
{
    private readonly TemplateNode _root;

    private PayloadTemplate(TemplateNode root) => _root = root;

    /// <summary>
    /// Compiles a template. Every invalid <c>.$</c> value is reported with its pointer (<c>/a/b.$</c>, relative to the
    /// template); the result is null when there is any.
    /// </summary>
    public static PayloadTemplate? Compile(JsonNode? template, out IReadOnlyList<TemplateError> errors)
    {
        var found = new List<TemplateError>();
        var root = CompileNode(template, string.Empty, found);
        errors = found;
        return found.Count == 0 ? new PayloadTemplate(root) : null;
    }

    /// <summary>
    /// Builds the payload. A missing definite path raises <paramref name="missingPathError"/> (States.Runtime for
    /// Parameters, ResultSelector and ItemSelector on AWS) with the cause "The JSONPath '...' specified for the field
    /// '...' could not be found in the input '...'"; bad intrinsic arguments raise States.Runtime.
    /// The result is new JSON: nothing in it is shared with the template or the context (context nodes are cloned).
    /// </summary>
    public JsonNode? Evaluate(ExpressionContext context, string missingPathError)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _root.Evaluate(new Env(context, missingPathError));
    }

    private static TemplateNode CompileNode(JsonNode? node, string pointer, List<TemplateError> errors)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var members = new List<(string Key, TemplateNode Value)>(obj.Count);
                var dynamic = false;
                foreach (var (key, value) in obj)
                {
                    var memberPointer = pointer + "/" + EscapePointer(key);
                    if (key.EndsWith(".$", StringComparison.Ordinal) && key.Length > 2)
                    {
                        dynamic = true;
                        members.Add((key[..^2], CompileExpression(key, value, memberPointer, errors)));
                    }
                    else
                    {
                        var compiled = CompileNode(value, memberPointer, errors);
                        dynamic |= compiled is not LiteralNode<Env>;
                        members.Add((key, compiled));
                    }
                }

                return dynamic ? new ObjectNode<Env>([.. members]) : new LiteralNode<Env>(obj.DeepClone());
            }

            case JsonArray array:
            {
                var items = new TemplateNode[array.Count];
                var dynamic = false;
                for (var i = 0; i < array.Count; i++)
                {
                    items[i] = CompileNode(array[i], pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), errors);
                    dynamic |= items[i] is not LiteralNode<Env>;
                }

                return dynamic ? new ArrayNode<Env>(items) : new LiteralNode<Env>(array.DeepClone());
            }

            default:
                return new LiteralNode<Env>(node?.DeepClone());
        }
    }

    private static TemplateNode CompileExpression(string key, JsonNode? value, string pointer, List<TemplateError> errors)
    {
        string? detail;
        if (AslJson.TryGetString(value, out var text))
        {
            if (ValueExpression.TryParse(text, out var expression, out detail))
            {
                return new ExpressionNode(key, expression!);
            }
        }
        else
        {
            detail = $"it is {AslJson.TypeName(value)}, not a string";
        }

        errors.Add(new TemplateError(pointer, $"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call: {detail}"));
        return new LiteralNode<Env>(null);
    }

    private static string EscapePointer(string key) =>
        key.Contains('~', StringComparison.Ordinal) || key.Contains('/', StringComparison.Ordinal)
            ? key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : key;

    private sealed class ExpressionNode(string key, ValueExpression expression) : TemplateNode
    {
        public override JsonNode? Evaluate(in Env env) => expression.EvaluateOwned(env.Context, env.MissingPathError, key);
    }

    /// <summary>What a payload template evaluates against.</summary>
    internal readonly record struct Env(ExpressionContext Context, string MissingPathError);
}
