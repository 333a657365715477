using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>Where a path starts reading.</summary>
public enum PathRoot
{
    /// <summary><c>$</c>: the current input.</summary>
    Input,

    /// <summary><c>$$</c>: the context object.</summary>
    Context,

    /// <summary><c>$name</c>: a variable.</summary>
    Variable,

    /// <summary><c>@</c>: the node a filter is testing (only inside filters).</summary>
    Current,
}

/// <summary>
/// A JSONPath as ASL uses it (Jayway's dialect), parsed once and evaluated many times. A <em>definite</em> path (only
/// properties and indexes) selects at most one node and is missing when that node is absent; an indefinite path
/// (wildcards, slices, unions, filters, recursive descent) always selects an array, empty when nothing matches.
/// </summary>
public sealed class JsonPath
{
    private readonly PathSegment[] _segments;

    private JsonPath(string text, PathRoot root, string? variableName, PathSegment[] segments)
    {
        Text = text;
        Root = root;
        VariableName = variableName;
        _segments = segments;
        var definite = true;
        var reference = root != PathRoot.Current;
        foreach (var segment in segments)
        {
            definite &= segment.IsDefinite;
            reference &= segment.IsReference;
        }

        IsDefinite = definite;
        IsReferencePath = reference;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Where the path starts reading.</summary>
    public PathRoot Root { get; }

    /// <summary>The variable's name (without <c>$</c>) when <see cref="Root"/> is <see cref="PathRoot.Variable"/>.</summary>
    public string? VariableName { get; }

    /// <summary>True when the path selects at most one node (no wildcard, slice, union, filter or <c>..</c>).</summary>
    public bool IsDefinite { get; }

    /// <summary>
    /// True for a reference path: only properties (<c>.a</c>, <c>['a b']</c>) and non-negative indexes (<c>[0]</c>), as
    /// InputPath, OutputPath, ResultPath, ItemsPath and the <c>...Path</c> fields require.
    /// </summary>
    public bool IsReferencePath { get; }

    /// <summary>True for <c>$</c> alone.</summary>
    public bool IsRoot => Root == PathRoot.Input && _segments.Length == 0;

    internal IReadOnlyList<PathSegment> Segments => _segments;

    /// <summary>The path that selects the whole input.</summary>
    public static JsonPath Dollar { get; } = new("$", PathRoot.Input, null, []);

    /// <summary>Parses a path; never throws. <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string? text, out JsonPath? path, out string? error)
    {
        path = null;
        if (text is null)
        {
            error = "A JSONPath must be a string.";
            return false;
        }

        var parser = new PathParser(text);
        try
        {
            path = parser.ParseWhole();
            error = null;
            return true;
        }
        catch (PathSyntaxException e)
        {
            error = e.Message;
            return false;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InsufficientExecutionStackException)
        {
            error = $"Invalid JSONPath '{text}': {e.Message}";
            return false;
        }
    }

    /// <summary>Parses a path, throwing <see cref="FormatException"/> when it is invalid.</summary>
    public static JsonPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path! : throw new FormatException(error);

    /// <summary>
    /// Evaluates the path. A definite path returns false when its node is missing; an indefinite path always returns true
    /// with a new array. A definite result may be a node of the context: pass it through <see cref="AslJson.Adopt"/>
    /// before putting it into a new parent.
    /// </summary>
    public bool TryEvaluate(ExpressionContext context, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TryEvaluateFrom(null, context, out value);
    }

    /// <summary>
    /// Evaluates the path; a missing definite path raises <paramref name="errorName"/> with AWS's cause for a payload
    /// template field: "The JSONPath '...' specified for the field '...' could not be found in the input '...'", where
    /// the input is always <c>$</c> (also for <c>$$</c> and variable paths).
    /// </summary>
    public JsonNode? Evaluate(ExpressionContext context, string errorName, string fieldName)
    {
        if (TryEvaluate(context, out var value))
        {
            return value;
        }

        throw new AslException(errorName, JsonPathErrors.FieldNotFound(Text, fieldName, context.Input));
    }

    /// <summary>
    /// Evaluates a path used as InputPath, OutputPath, ItemsPath or another <c>...Path</c> field; a missing path raises
    /// <paramref name="errorName"/> with Jayway's text: "Invalid path '$.x' : No results for path: $['x']".
    /// </summary>
    public JsonNode? EvaluateField(ExpressionContext context, string errorName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TryEvaluateFrom(null, context, out var value))
        {
            return value;
        }

        throw new AslException(errorName, JsonPathErrors.InvalidPath(this, context));
    }

    /// <summary>Jayway's normalised form of the path, such as <c>$['a'][0]</c>.</summary>
    public string ToNormalizedString() => Normalized(_segments.Length);

    /// <inheritdoc/>
    public override string ToString() => Text;

    internal string Normalized(int segmentCount)
    {
        var builder = new StringBuilder();
        builder.Append(Root switch
        {
            PathRoot.Context => "$$",
            PathRoot.Variable => "$" + VariableName,
            PathRoot.Current => "@",
            _ => "$",
        });
        for (var i = 0; i < segmentCount && i < _segments.Length; i++)
        {
            _segments[i].AppendNormalized(builder);
        }

        return builder.ToString();
    }

    /// <summary>How many leading segments resolve before the path goes missing (for Jayway's messages).</summary>
    internal int ResolvedPrefixLength(ExpressionContext context)
    {
        var node = RootValue(null, context);
        for (var i = 0; i < _segments.Length; i++)
        {
            if (!_segments[i].IsDefinite || !_segments[i].TryStep(node, out node))
            {
                return i;
            }
        }

        return _segments.Length;
    }

    internal bool RootExists(ExpressionContext context) =>
        Root != PathRoot.Variable || context.Variables.ContainsKey(VariableName!);

    internal JsonNode? RootValue(JsonNode? current, ExpressionContext context) => Root switch
    {
        PathRoot.Input => context.Input,
        PathRoot.Context => context.Context,
        PathRoot.Current => current,
        _ => context.Variables.TryGetValue(VariableName!, out var v) ? v : null,
    };

    internal bool TryEvaluateFrom(JsonNode? current, ExpressionContext context, out JsonNode? value)
    {
        var root = RootValue(current, context);
        if (IsDefinite)
        {
            if (!RootExists(context))
            {
                value = null;
                return false;
            }

            var node = root;
            foreach (var segment in _segments)
            {
                if (!segment.TryStep(node, out node))
                {
                    value = null;
                    return false;
                }
            }

            value = node;
            return true;
        }

        var results = new JsonArray();
        if (RootExists(context))
        {
            var nodes = new List<JsonNode?> { root };
            var next = new List<JsonNode?>();
            foreach (var segment in _segments)
            {
                next.Clear();
                foreach (var node in nodes)
                {
                    segment.Select(node, context, next);
                }

                (nodes, next) = (next, nodes);
                if (nodes.Count == 0)
                {
                    break;
                }
            }

            foreach (var node in nodes)
            {
                // The root has no parent but belongs to the context: clone it like any other selected node.
                results.Add(ReferenceEquals(node, root) ? node?.DeepClone() : AslJson.Adopt(node));
            }
        }

        value = results;
        return true;
    }

    internal static JsonPath Create(string text, PathRoot root, string? variableName, PathSegment[] segments) =>
        new(text, root, variableName, segments);
}
