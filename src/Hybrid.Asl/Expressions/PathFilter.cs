using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>A parsed filter predicate, <c>@.price &lt; 10 &amp;&amp; @.name</c>, with Jayway's semantics.</summary>
internal abstract class FilterExpression
{
    public abstract bool Matches(JsonNode? current, ExpressionContext context);
}

internal sealed class OrFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Matches(JsonNode? current, ExpressionContext context) =>
        left.Matches(current, context) || right.Matches(current, context);
}

internal sealed class AndFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Matches(JsonNode? current, ExpressionContext context) =>
        left.Matches(current, context) && right.Matches(current, context);
}

internal sealed class NotFilter(FilterExpression inner) : FilterExpression
{
    public override bool Matches(JsonNode? current, ExpressionContext context) => !inner.Matches(current, context);
}

/// <summary><c>[?(@.name)]</c>: the path exists (whatever its value, even false or null).</summary>
internal sealed class ExistsFilter(FilterOperand operand) : FilterExpression
{
    public override bool Matches(JsonNode? current, ExpressionContext context)
    {
        var value = operand.Evaluate(current, context);
        return value.Found && (value.Node is not JsonArray a || !operand.IsIndefinitePath || a.Count > 0);
    }
}

internal enum FilterOperator
{
    Equal,
    NotEqual,
    StrictEqual,
    StrictNotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Regex,
    In,
    NotIn,
    Contains,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
    Exists,
}

internal sealed class ComparisonFilter(FilterOperand left, FilterOperator op, FilterOperand right) : FilterExpression
{
    public override bool Matches(JsonNode? current, ExpressionContext context)
    {
        var l = left.Evaluate(current, context);
        if (op == FilterOperator.Regex)
        {
            return l.Found && right.Regex is { } regex && RegexMatches(regex, l.Node);
        }

        var r = right.Evaluate(current, context);
        return op switch
        {
            FilterOperator.Equal => LooseEquals(l, r),
            FilterOperator.NotEqual => !LooseEquals(l, r),
            FilterOperator.StrictEqual => StrictEquals(l, r),
            FilterOperator.StrictNotEqual => !StrictEquals(l, r),
            FilterOperator.Less => Order(l, r) is { } c1 && c1 < 0,
            FilterOperator.LessOrEqual => Order(l, r) is { } c2 && c2 <= 0,
            FilterOperator.Greater => Order(l, r) is { } c3 && c3 > 0,
            FilterOperator.GreaterOrEqual => Order(l, r) is { } c4 && c4 >= 0,
            FilterOperator.In => l.Found && r.Node is JsonArray inList && Contains(inList, l.Node),
            FilterOperator.NotIn => !(l.Found && r.Node is JsonArray ninList && Contains(ninList, l.Node)),
            FilterOperator.Contains => l.Found && r.Found && ContainsValue(l.Node, r.Node),
            FilterOperator.SubsetOf => l.Node is JsonArray sub && r.Node is JsonArray super && All(sub, super),
            FilterOperator.AnyOf => l.Node is JsonArray any && r.Node is JsonArray anyOf && AnyIn(any, anyOf),
            FilterOperator.NoneOf => l.Node is JsonArray none && r.Node is JsonArray noneOf && !AnyIn(none, noneOf),
            FilterOperator.Size => l.Found && JsonNumbers.TryGetInt64(r.Node, out var size) && SizeOf(l.Node) == size,
            FilterOperator.Empty => l.Found && AslJson.KindOf(r.Node) is JsonValueKind.True or JsonValueKind.False
                && SizeOf(l.Node) is { } length && (length == 0) == (AslJson.KindOf(r.Node) == JsonValueKind.True),
            FilterOperator.Exists => AslJson.KindOf(r.Node) is JsonValueKind.True or JsonValueKind.False
                && l.Found == (AslJson.KindOf(r.Node) == JsonValueKind.True),
            _ => false,
        };
    }

    /// <summary>Jayway's <c>==</c>: numbers by value, and a number equals a string that spells the same number.</summary>
    internal static bool LooseEquals(OperandValue l, OperandValue r)
    {
        if (!l.Found || !r.Found)
        {
            return false;
        }

        var lk = AslJson.KindOf(l.Node);
        var rk = AslJson.KindOf(r.Node);
        if (lk == JsonValueKind.Number && rk == JsonValueKind.String)
        {
            return NumberEqualsString(l.Node!, AslJson.StringOf(r.Node!));
        }

        if (lk == JsonValueKind.String && rk == JsonValueKind.Number)
        {
            return NumberEqualsString(r.Node!, AslJson.StringOf(l.Node!));
        }

        return AslJson.DeepEquals(l.Node, r.Node);
    }

    private static bool StrictEquals(OperandValue l, OperandValue r) => l.Found && r.Found && AslJson.DeepEquals(l.Node, r.Node);

    private static bool NumberEqualsString(JsonNode number, string text) =>
        decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
        && JsonNumbers.TryGetDecimal(number, out var value)
        && value == parsed;

    private static int? Order(OperandValue l, OperandValue r)
    {
        if (!l.Found || !r.Found)
        {
            return null;
        }

        var lk = AslJson.KindOf(l.Node);
        var rk = AslJson.KindOf(r.Node);
        if (lk == JsonValueKind.Number && rk == JsonValueKind.Number)
        {
            return JsonNumbers.Compare(l.Node!, r.Node!);
        }

        if (lk == JsonValueKind.String && rk == JsonValueKind.String)
        {
            return string.CompareOrdinal(AslJson.StringOf(l.Node!), AslJson.StringOf(r.Node!));
        }

        return null;
    }

    private static bool RegexMatches(Regex regex, JsonNode? node)
    {
        string input;
        switch (AslJson.KindOf(node))
        {
            case JsonValueKind.String:
                input = AslJson.StringOf(node!);
                break;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                input = AslJson.ToJsonString(node);
                break;
            default:
                return false;
        }

        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new AslException(ErrorNames.Runtime, "The regular expression in a JSONPath filter took too long to evaluate.", e);
        }
    }

    private static bool Contains(JsonArray list, JsonNode? value)
    {
        var v = new OperandValue(true, value);
        foreach (var item in list)
        {
            if (LooseEquals(new OperandValue(true, item), v))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsValue(JsonNode? container, JsonNode? value)
    {
        if (container is JsonArray array)
        {
            return Contains(array, value);
        }

        return AslJson.TryGetString(container, out var text) && AslJson.TryGetString(value, out var part)
            && text.Contains(part, StringComparison.Ordinal);
    }

    private static bool All(JsonArray items, JsonArray set)
    {
        foreach (var item in items)
        {
            if (!Contains(set, item))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyIn(JsonArray items, JsonArray set)
    {
        foreach (var item in items)
        {
            if (Contains(set, item))
            {
                return true;
            }
        }

        return false;
    }

    private static long? SizeOf(JsonNode? node) => node switch
    {
        JsonArray a => a.Count,
        JsonObject o => o.Count,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => AslJson.StringOf(v).Length,
        _ => null,
    };
}

/// <summary>The value of a filter operand: whether it was found, and the node (JSON null is a found null).</summary>
internal readonly record struct OperandValue(bool Found, JsonNode? Node);

/// <summary>A filter operand: a literal, a regular expression, or a path from <c>@</c>, <c>$</c>, <c>$$</c> or a variable.</summary>
internal sealed class FilterOperand
{
    private readonly JsonNode? _literal;
    private readonly JsonPath? _path;

    private FilterOperand(JsonNode? literal, JsonPath? path, Regex? regex)
    {
        _literal = literal;
        _path = path;
        Regex = regex;
    }

    public Regex? Regex { get; }

    public bool IsPath => _path is not null;

    public bool IsIndefinitePath => _path is { IsDefinite: false };

    public static FilterOperand Literal(JsonNode? value) => new(value, null, null);

    public static FilterOperand Path(JsonPath path) => new(null, path, null);

    public static FilterOperand Pattern(Regex regex) => new(null, null, regex);

    public OperandValue Evaluate(JsonNode? current, ExpressionContext context)
    {
        if (_path is null)
        {
            return Regex is null ? new OperandValue(true, _literal) : new OperandValue(false, null);
        }

        var found = _path.TryEvaluateFrom(current, context, out var value);
        return new OperandValue(found, value);
    }
}
