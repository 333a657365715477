using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Hybrid.Asl.Expressions;

/// <summary>One step of a parsed JSONPath.</summary>
internal abstract class PathSegment
{
    /// <summary>Whether the step selects at most one node (a property or an index), as Jayway defines it.</summary>
    public abstract bool IsDefinite { get; }

    /// <summary>Whether the step is allowed in a reference path: a single property or a non-negative index.</summary>
    public virtual bool IsReference => false;

    /// <summary>Steps from one node to at most one child; only called on definite segments.</summary>
    public virtual bool TryStep(JsonNode? node, out JsonNode? child)
    {
        child = null;
        return false;
    }

    /// <summary>Adds every node this step selects from <paramref name="node"/> to <paramref name="output"/>.</summary>
    public abstract void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output);

    /// <summary>Appends this step in Jayway's normalised form (<c>['name']</c>, <c>[0]</c>).</summary>
    public abstract void AppendNormalized(StringBuilder builder);
}

internal sealed class PropertySegment(string name) : PathSegment
{
    public string Name { get; } = name;

    public override bool IsDefinite => true;

    public override bool IsReference => true;

    public override bool TryStep(JsonNode? node, out JsonNode? child)
    {
        if (node is JsonObject obj && obj.TryGetPropertyValue(Name, out child))
        {
            return true;
        }

        child = null;
        return false;
    }

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        if (TryStep(node, out var child))
        {
            output.Add(child);
        }
    }

    public override void AppendNormalized(StringBuilder builder) => builder.Append("['").Append(Name).Append("']");
}

internal sealed class IndexSegment(int index) : PathSegment
{
    public int Index { get; } = index;

    public override bool IsDefinite => true;

    public override bool IsReference => Index >= 0;

    public override bool TryStep(JsonNode? node, out JsonNode? child)
    {
        if (node is JsonArray array)
        {
            var i = Index < 0 ? array.Count + Index : Index;
            if (i >= 0 && i < array.Count)
            {
                child = array[i];
                return true;
            }
        }

        child = null;
        return false;
    }

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        if (TryStep(node, out var child))
        {
            output.Add(child);
        }
    }

    public override void AppendNormalized(StringBuilder builder) =>
        builder.Append('[').Append(Index.ToString(CultureInfo.InvariantCulture)).Append(']');
}

/// <summary><c>['a','b']</c>: as the last step, one object holding the properties found (Jayway's merge); else each.</summary>
internal sealed class MultiPropertySegment(string[] names) : PathSegment
{
    public string[] Names { get; } = names;

    public bool IsLeaf { get; set; }

    public override bool IsDefinite => IsLeaf;

    public override bool TryStep(JsonNode? node, out JsonNode? child)
    {
        child = null;
        if (node is not JsonObject obj)
        {
            return false;
        }

        var merged = new JsonObject();
        foreach (var name in Names)
        {
            if (obj.TryGetPropertyValue(name, out var value))
            {
                merged[name] = Json.AslJson.Adopt(value);
            }
        }

        child = merged;
        return true;
    }

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        if (IsLeaf)
        {
            if (TryStep(node, out var merged))
            {
                output.Add(merged);
            }

            return;
        }

        if (node is JsonObject obj)
        {
            foreach (var name in Names)
            {
                if (obj.TryGetPropertyValue(name, out var value))
                {
                    output.Add(value);
                }
            }
        }
    }

    public override void AppendNormalized(StringBuilder builder)
    {
        builder.Append('[');
        for (var i = 0; i < Names.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append('\'').Append(Names[i]).Append('\'');
        }

        builder.Append(']');
    }
}

internal sealed class WildcardSegment : PathSegment
{
    public static WildcardSegment Instance { get; } = new();

    public override bool IsDefinite => false;

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var pair in obj)
                {
                    output.Add(pair.Value);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    output.Add(array[i]);
                }

                break;
            default:
                break;
        }
    }

    public override void AppendNormalized(StringBuilder builder) => builder.Append("[*]");
}

internal sealed class IndexUnionSegment(int[] indexes) : PathSegment
{
    public override bool IsDefinite => false;

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        if (node is not JsonArray array)
        {
            return;
        }

        foreach (var index in indexes)
        {
            var i = index < 0 ? array.Count + index : index;
            if (i >= 0 && i < array.Count)
            {
                output.Add(array[i]);
            }
        }
    }

    public override void AppendNormalized(StringBuilder builder) =>
        builder.Append('[').AppendJoin(",", indexes).Append(']');
}

/// <summary><c>[start:end:step]</c> with Python semantics (negative bounds count from the end).</summary>
internal sealed class SliceSegment(int? start, int? end, int? step) : PathSegment
{
    public override bool IsDefinite => false;

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        if (node is not JsonArray array)
        {
            return;
        }

        var count = array.Count;
        var s = step ?? 1;
        if (s > 0)
        {
            var from = Clamp(start ?? 0, count);
            var to = Clamp(end ?? count, count);
            for (var i = from; i < to; i += s)
            {
                output.Add(array[i]);
            }
        }
        else
        {
            var from = start is { } a ? ClampDown(a, count) : count - 1;
            var to = end is { } b ? ClampDown(b, count) : -1;
            for (var i = from; i > to; i += s)
            {
                output.Add(array[i]);
            }
        }
    }

    public override void AppendNormalized(StringBuilder builder)
    {
        builder.Append('[');
        if (start is { } a)
        {
            builder.Append(a.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(':');
        if (end is { } b)
        {
            builder.Append(b.ToString(CultureInfo.InvariantCulture));
        }

        if (step is { } c)
        {
            builder.Append(':').Append(c.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(']');
    }

    private static int Clamp(int value, int count)
    {
        if (value < 0)
        {
            value += count;
        }

        return Math.Clamp(value, 0, count);
    }

    private static int ClampDown(int value, int count)
    {
        if (value < 0)
        {
            value += count;
        }

        return Math.Clamp(value, -1, count - 1);
    }
}

/// <summary><c>..x</c>: applies the inner step to the node and to every descendant, in document order.</summary>
internal sealed class RecursiveSegment(PathSegment inner) : PathSegment
{
    public override bool IsDefinite => false;

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        inner.Select(node, context, output);
        switch (node)
        {
            case JsonObject obj:
                foreach (var pair in obj)
                {
                    Select(pair.Value, context, output);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Select(array[i], context, output);
                }

                break;
            default:
                break;
        }
    }

    public override void AppendNormalized(StringBuilder builder)
    {
        builder.Append("..");
        inner.AppendNormalized(builder);
    }
}

/// <summary><c>[?(...)]</c>: the array's elements that match, or the object itself when it matches.</summary>
internal sealed class FilterSegment(FilterExpression filter) : PathSegment
{
    public override bool IsDefinite => false;

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (filter.Matches(array[i], context))
                    {
                        output.Add(array[i]);
                    }
                }

                break;
            case JsonObject obj:
                if (filter.Matches(obj, context))
                {
                    output.Add(obj);
                }

                break;
            default:
                break;
        }
    }

    public override void AppendNormalized(StringBuilder builder) => builder.Append("[?]");
}

/// <summary>
/// A Jayway function such as <c>length()</c>: AWS accepts the syntax but never finds a value for it, so a path ending in
/// one fails as "could not be found".
/// </summary>
internal sealed class FunctionSegment(string name) : PathSegment
{
    public override bool IsDefinite => true;

    public override void Select(JsonNode? node, ExpressionContext context, List<JsonNode?> output)
    {
    }

    public override void AppendNormalized(StringBuilder builder) => builder.Append('.').Append(name).Append("()");
}
