using System.Text.Json.Nodes;
using Hybrid.Asl.Expressions;

namespace Hybrid.Asl.Model;

/// <summary>A top-level Choice rule: the rule, where it leads, and (JSONata) what it assigns and outputs.</summary>
public sealed record ChoiceBranch(ChoiceRule Rule, string Next, Template? Assign, Template? Output);

/// <summary>A Choice rule: a boolean combination or a comparison.</summary>
public abstract record ChoiceRule(string Pointer);

public sealed record AndRule(string Pointer, IReadOnlyList<ChoiceRule> Rules) : ChoiceRule(Pointer);

public sealed record OrRule(string Pointer, IReadOnlyList<ChoiceRule> Rules) : ChoiceRule(Pointer);

public sealed record NotRule(string Pointer, ChoiceRule Rule) : ChoiceRule(Pointer);

/// <summary>
/// <c>Variable</c> compared with a literal or (for the <c>...Path</c> forms) with the value at another path.
/// </summary>
public sealed record ComparisonRule(string Pointer, JsonPath Variable, ComparisonOperator Operator, JsonNode? Literal, JsonPath? OtherPath)
    : ChoiceRule(Pointer);

/// <summary>JSONata: a <c>Condition</c>, an expression (or a literal boolean) that must come out true or false.</summary>
public sealed record ConditionRule(string Pointer, Template Condition) : ChoiceRule(Pointer);

/// <summary>The comparison operators, without their <c>Path</c> suffix.</summary>
public enum ComparisonOperator
{
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}
