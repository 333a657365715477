using System.Text.Json.Nodes;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>The cause texts AWS gives when a path cannot be applied.</summary>
public static class JsonPathErrors
{
    /// <summary>
    /// A payload template field whose path is missing:
    /// <c>The JSONPath '$.a' specified for the field 'a.$' could not be found in the input '{"b":1}'</c>.
    /// </summary>
    public static string FieldNotFound(string path, string fieldName, JsonNode? input) =>
        $"The JSONPath '{path}' specified for the field '{fieldName}' could not be found in the input '{AslJson.ToJsonString(input)}'";

    /// <summary>
    /// A path field (InputPath, OutputPath, ItemsPath, ...) that is missing, in Jayway's words:
    /// <c>Invalid path '$.a.b' : No results for path: $['a']['b']</c>, or
    /// <c>Invalid path '$.a.b' : Missing property in path $['a']</c> when an intermediate property is absent.
    /// </summary>
    public static string InvalidPath(JsonPath path, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        var resolved = path.ResolvedPrefixLength(context);
        var segments = path.Segments.Count;
        return resolved < segments - 1 && path.Segments[resolved] is PropertySegment
            ? $"Invalid path '{path.Text}' : Missing property in path {path.Normalized(resolved + 1)}"
            : $"Invalid path '{path.Text}' : No results for path: {path.Normalized(segments)}";
    }

    /// <summary>
    /// A ResultPath that cannot be applied:
    /// <c>Unable to apply ReferencePath $.a.b to input "{\"a\":1}"</c>.
    /// </summary>
    public static string ResultPathMismatch(string path, JsonNode? input) =>
        $"Unable to apply ReferencePath {path} to input {AslJson.Quote(AslJson.ToJsonString(input))}";
}
