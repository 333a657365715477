using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Model;

namespace Hybrid.Asl.Parsing;

/// <summary>The Choice comparison operators by name, with the kind of operand each takes.</summary>
internal static class ChoiceOperators
{
    private static readonly FrozenDictionary<string, OperatorInfo> ByName = Build();

    public static bool TryGet(string name, [MaybeNullWhen(false)] out OperatorInfo info) => ByName.TryGetValue(name, out info);

    private static FrozenDictionary<string, OperatorInfo> Build()
    {
        var map = new Dictionary<string, OperatorInfo>(StringComparer.Ordinal);
        foreach (var op in Enum.GetValues<ComparisonOperator>())
        {
            var name = op.ToString();
            var literal = name switch
            {
                _ when name.StartsWith("String", StringComparison.Ordinal) => OperandKind.String,
                _ when name.StartsWith("Numeric", StringComparison.Ordinal) => OperandKind.Number,
                _ when name.StartsWith("Timestamp", StringComparison.Ordinal) => OperandKind.String,
                _ => OperandKind.Boolean,
            };
            map[name] = new OperatorInfo(op, IsPath: false, literal);
            var hasPathForm = op is not (ComparisonOperator.StringMatches or ComparisonOperator.IsNull or ComparisonOperator.IsPresent
                or ComparisonOperator.IsNumeric or ComparisonOperator.IsString or ComparisonOperator.IsBoolean or ComparisonOperator.IsTimestamp);
            if (hasPathForm)
            {
                map[name + "Path"] = new OperatorInfo(op, IsPath: true, literal);
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

internal enum OperandKind
{
    String,
    Number,
    Boolean,
}

internal sealed record OperatorInfo(ComparisonOperator Operator, bool IsPath, OperandKind Literal)
{
    public string LiteralDescription => Literal switch
    {
        OperandKind.String => "a string",
        OperandKind.Number => "a number",
        _ => "a boolean",
    };

    public bool AcceptsLiteral(JsonNode? node) => node is JsonValue value && value.GetValueKind() switch
    {
        JsonValueKind.String => Literal == OperandKind.String,
        JsonValueKind.Number => Literal == OperandKind.Number,
        JsonValueKind.True or JsonValueKind.False => Literal == OperandKind.Boolean,
        _ => false,
    };
}

/// <summary>AWS's rule for variable names: a letter or '_' first, then letters, digits or '_', at most 80 characters.</summary>
internal static class VariableNames
{
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 80 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
