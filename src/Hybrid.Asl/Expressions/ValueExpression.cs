using System.Text.Json.Nodes;

namespace Hybrid.Asl.Expressions;

/// <summary>
/// The value of a <c>.$</c> field, or of Fail's ErrorPath and CausePath: a JSONPath or an intrinsic function call.
/// </summary>
public sealed class ValueExpression
{
    private ValueExpression(string text, JsonPath? path, IntrinsicFunction? intrinsic)
    {
        Text = text;
        Path = path;
        Intrinsic = intrinsic;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The path, when the expression is one.</summary>
    public JsonPath? Path { get; }

    /// <summary>The intrinsic call, when the expression is one.</summary>
    public IntrinsicFunction? Intrinsic { get; }

    /// <summary>
    /// Parses a path (text starting with <c>$</c>) or an intrinsic call (text starting with <c>States.</c>); never throws.
    /// </summary>
    public static bool TryParse(string? text, out ValueExpression? expression, out string? error)
    {
        expression = null;
        if (text is null)
        {
            error = "The value must be a string.";
            return false;
        }

        if (text.StartsWith('$'))
        {
            if (JsonPath.TryParse(text, out var path, out error))
            {
                expression = new ValueExpression(text, path, null);
                return true;
            }

            return false;
        }

        if (IntrinsicFunction.LooksLikeIntrinsic(text))
        {
            if (IntrinsicFunction.TryParse(text, out var call, out error))
            {
                expression = new ValueExpression(text, null, call);
                return true;
            }

            return false;
        }

        error = $"'{text}' is neither a JSONPath (starting with '$') nor an intrinsic function (starting with 'States.').";
        return false;
    }

    /// <summary>
    /// Parses a reference path or an intrinsic call, as Fail's ErrorPath and CausePath take; never throws.
    /// </summary>
    public static bool TryParseReferenceOrIntrinsic(string? text, out ValueExpression? expression, out string? error)
    {
        if (!TryParse(text, out expression, out error))
        {
            return false;
        }

        if (expression!.Path is { IsReferencePath: false })
        {
            error = AslPaths.NotAReferencePath(text!);
            expression = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Evaluates the expression. A missing definite path (as the value, or as an intrinsic argument) raises
    /// <paramref name="errorName"/> with AWS's cause naming <paramref name="fieldName"/>; a bad intrinsic argument raises
    /// States.Runtime. A path result may be a node of the context: adopt it before re-parenting it.
    /// </summary>
    public JsonNode? Evaluate(ExpressionContext context, string errorName, string fieldName)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Path is not null
            ? Path.Evaluate(context, errorName, fieldName)
            : Intrinsic!.Evaluate(context, errorName, fieldName);
    }

    /// <summary>
    /// Evaluates the expression for a field such as Fail's ErrorPath; a missing path raises States.Runtime.
    /// </summary>
    public JsonNode? Evaluate(ExpressionContext context, string fieldName) =>
        Evaluate(context, Errors.ErrorNames.Runtime, fieldName);

    /// <summary>Evaluates the expression to new JSON that can be put into a parent as is.</summary>
    public JsonNode? EvaluateOwned(ExpressionContext context, string errorName, string fieldName)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Path is not null ? context.Own(Evaluate(context, errorName, fieldName)) : Evaluate(context, errorName, fieldName);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
