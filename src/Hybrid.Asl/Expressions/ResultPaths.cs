using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>Applies a state's ResultPath: where its result goes in its input.</summary>
public static class ResultPaths
{
    /// <summary>
    /// Combines input and result. <paramref name="resultPath"/> null (the JSON <c>null</c> ResultPath) keeps the input and
    /// discards the result; <c>$</c> returns the result; <c>$.a.b</c> returns a clone of the input with the result written
    /// at <c>a.b</c>, creating missing objects on the way. Writing into something that is not an object (or an index
    /// outside an array) raises States.ResultPathMatchFailure. Neither argument is mutated.
    /// </summary>
    public static JsonNode? Apply(JsonPath? resultPath, JsonNode? input, JsonNode? result)
    {
        if (resultPath is null)
        {
            return input;
        }

        if (resultPath.Root != PathRoot.Input || !resultPath.IsReferencePath)
        {
            throw new ArgumentException($"A ResultPath must be a reference path on '$', not '{resultPath.Text}'.", nameof(resultPath));
        }

        var segments = resultPath.Segments;
        if (segments.Count == 0)
        {
            return result;
        }

        if (input is not JsonObject and not JsonArray)
        {
            throw Mismatch(resultPath, input);
        }

        var output = input.DeepClone();
        var node = output;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            switch (segments[i])
            {
                case PropertySegment property when node is JsonObject obj:
                    if (last)
                    {
                        obj[property.Name] = AslJson.Adopt(result);
                        return output;
                    }

                    if (!obj.TryGetPropertyValue(property.Name, out var child) || child is null)
                    {
                        // Missing (or null) on the way: created as an empty object.
                        child = new JsonObject();
                        obj[property.Name] = child;
                    }

                    node = child;
                    break;
                case IndexSegment index when node is JsonArray array && index.Index < array.Count:
                    if (last)
                    {
                        array[index.Index] = AslJson.Adopt(result);
                        return output;
                    }

                    node = array[index.Index];
                    break;
                default:
                    throw Mismatch(resultPath, input);
            }
        }

        return output;
    }

    private static AslException Mismatch(JsonPath path, JsonNode? input) =>
        new(ErrorNames.ResultPathMatchFailure, JsonPathErrors.ResultPathMismatch(path.Text, input));
}
