namespace Hybrid.Asl.Expressions;

/// <summary>Parsing entry points for the two kinds of path ASL fields take.</summary>
public static class AslPaths
{
    /// <summary>
    /// Parses a reference path (InputPath, OutputPath, ResultPath, ItemsPath, the <c>...Path</c> fields): only
    /// properties and non-negative indexes, from <c>$</c>, <c>$$</c> or a variable. Never throws.
    /// </summary>
    public static bool TryParseReference(string? text, out JsonPath? path, out string? error)
    {
        if (!JsonPath.TryParse(text, out path, out error))
        {
            return false;
        }

        if (!path!.IsReferencePath)
        {
            error = NotAReferencePath(text!);
            path = null;
            return false;
        }

        return true;
    }

    internal static string NotAReferencePath(string text) =>
        $"'{text}' is not a reference path: only '.name', ['name'] and [index] are allowed (no '*', '..', slices, unions, filters or functions).";

    /// <summary>Parses a full JSONPath (payload template values, Choice <c>Variable</c>). Never throws.</summary>
    public static bool TryParse(string? text, out JsonPath? path, out string? error) => JsonPath.TryParse(text, out path, out error);
}
