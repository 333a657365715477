using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using Hybrid.Asl.Model;

namespace Hybrid.Asl.Execution;

/// <summary>Evaluates Choice rules with AWS's semantics: type mismatches are false, numbers compare by value, timestamps as instants.</summary>
internal static class ChoiceEvaluator
{
    public static bool Evaluate(ChoiceRule rule, ExpressionContext context)
    {
        switch (rule)
        {
            case AndRule and:
                foreach (var child in and.Rules)
                {
                    if (!Evaluate(child, context))
                    {
                        return false;
                    }
                }

                return true;
            case OrRule or:
                foreach (var child in or.Rules)
                {
                    if (Evaluate(child, context))
                    {
                        return true;
                    }
                }

                return false;
            case NotRule not:
                return !Evaluate(not.Rule, context);
            case ComparisonRule comparison:
                return Compare(comparison, context);
            default:
                throw new AslException(ErrorNames.Runtime, $"Unsupported choice rule at {rule.Pointer}.");
        }
    }

    private static bool Compare(ComparisonRule rule, ExpressionContext context)
    {
        var present = rule.Variable.TryEvaluate(context, out var value);
        if (rule.Operator == ComparisonOperator.IsPresent)
        {
            return present == IsTrue(rule.Literal);
        }

        if (!present)
        {
            throw new AslException(ErrorNames.Runtime, $"Invalid path '{rule.Variable}': The choice state's condition path references an invalid value.");
        }

        JsonNode? operand = rule.Literal;
        if (rule.OtherPath is not null)
        {
            if (!rule.OtherPath.TryEvaluate(context, out operand))
            {
                throw new AslException(ErrorNames.Runtime, $"Invalid path '{rule.OtherPath}': The choice state's condition path references an invalid value.");
            }
        }

        var kind = AslJson.KindOf(value);
        switch (rule.Operator)
        {
            case ComparisonOperator.IsNull:
                return (kind == JsonValueKind.Null) == IsTrue(operand);
            case ComparisonOperator.IsNumeric:
                return (kind == JsonValueKind.Number) == IsTrue(operand);
            case ComparisonOperator.IsString:
                return (kind == JsonValueKind.String) == IsTrue(operand);
            case ComparisonOperator.IsBoolean:
                return (kind is JsonValueKind.True or JsonValueKind.False) == IsTrue(operand);
            case ComparisonOperator.IsTimestamp:
                return (AslJson.TryGetString(value, out var ts) && Rfc3339.TryParse(ts, out _)) == IsTrue(operand);
            case ComparisonOperator.BooleanEquals:
                return kind is JsonValueKind.True or JsonValueKind.False
                    && AslJson.KindOf(operand) is JsonValueKind.True or JsonValueKind.False
                    && AslJson.KindOf(operand) == kind;
            case ComparisonOperator.StringMatches:
                return AslJson.TryGetString(value, out var subject) && AslJson.TryGetString(operand, out var pattern) && WildcardMatch(subject, pattern);
        }

        if (rule.Operator <= ComparisonOperator.StringGreaterThanEquals)
        {
            return AslJson.TryGetString(value, out var left) && AslJson.TryGetString(operand, out var right)
                && Holds(rule.Operator - ComparisonOperator.StringEquals, string.CompareOrdinal(left, right));
        }

        if (rule.Operator <= ComparisonOperator.NumericGreaterThanEquals)
        {
            return JsonNumbers.IsNumber(value) && JsonNumbers.IsNumber(operand)
                && Holds(rule.Operator - ComparisonOperator.NumericEquals, JsonNumbers.Compare(value!, operand!));
        }

        return AslJson.TryGetString(value, out var leftText) && Rfc3339.TryParse(leftText, out var leftTime)
            && AslJson.TryGetString(operand, out var rightText) && Rfc3339.TryParse(rightText, out var rightTime)
            && Holds(rule.Operator - ComparisonOperator.TimestampEquals, leftTime.UtcTicks.CompareTo(rightTime.UtcTicks));
    }

    /// <summary>Offset 0..4: Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals (the enum's order).</summary>
    private static bool Holds(int relation, int comparison) => relation switch
    {
        0 => comparison == 0,
        1 => comparison < 0,
        2 => comparison > 0,
        3 => comparison <= 0,
        _ => comparison >= 0,
    };

    private static bool IsTrue(JsonNode? node) => AslJson.KindOf(node) == JsonValueKind.True;

    /// <summary>StringMatches: '*' matches any run of characters; '\*' is a literal star and '\\' a literal backslash.</summary>
    internal static bool WildcardMatch(string subject, string pattern)
    {
        var tokens = new List<(bool Star, char Char)>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '*' or '\\')
            {
                tokens.Add((false, pattern[++i]));
            }
            else
            {
                tokens.Add((pattern[i] == '*', pattern[i]));
            }
        }

        int s = 0, t = 0, starToken = -1, starSubject = 0;
        while (s < subject.Length)
        {
            if (t < tokens.Count && !tokens[t].Star && tokens[t].Char == subject[s])
            {
                s++;
                t++;
            }
            else if (t < tokens.Count && tokens[t].Star)
            {
                starToken = t++;
                starSubject = s;
            }
            else if (starToken >= 0)
            {
                t = starToken + 1;
                s = ++starSubject;
            }
            else
            {
                return false;
            }
        }

        while (t < tokens.Count && tokens[t].Star)
        {
            t++;
        }

        return t == tokens.Count;
    }
}
