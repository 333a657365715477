using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Hybrid.Aws.TestServer;

/// <summary>A request that does not fit the service model.</summary>
public sealed class ModelViolationException(string message) : Exception(message);

/// <summary>
/// Checks requests against a botocore model, and writes answers by the model: AWS JSON (timestamps as epoch seconds)
/// or Query XML (lists as <c>member</c> elements, ISO 8601 timestamps). Handlers work on <see cref="JsonObject"/>
/// values in both protocols, with timestamps as <see cref="DateTimeOffset"/>.
/// </summary>
public static class ModelCodec
{
    /// <summary>Validates an AWS JSON request body against the operation's input shape.</summary>
    public static JsonObject ReadJson(ServiceModel model, ModelOperation operation, byte[] body)
    {
        JsonNode? node;
        try
        {
            node = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new ModelViolationException($"The body of {operation.Name} is not JSON: {ex.Message}");
        }

        if (node is not JsonObject obj)
        {
            throw new ModelViolationException($"The body of {operation.Name} is not a JSON object.");
        }

        if (operation.Input is null)
        {
            if (obj.Count > 0)
            {
                throw new ModelViolationException($"{operation.Name} takes no input, but the body has members.");
            }

            return obj;
        }

        ValidateJson(model, model.Shape(operation.Input), obj, operation.Input);
        return obj;
    }

    private static void ValidateJson(ServiceModel model, ModelShape shape, JsonNode? node, string path)
    {
        if (node is null)
        {
            throw new ModelViolationException($"Value at '{path}' is null; the model ({shape.Name}) wants a {shape.Type}.");
        }

        var kind = node.GetValueKind();
        switch (shape.Type)
        {
            case "structure":
                if (node is not JsonObject obj)
                {
                    throw WrongType(path, shape, kind);
                }

                foreach (var (name, value) in obj)
                {
                    if (!shape.Members.TryGetValue(name, out var member))
                    {
                        throw new ModelViolationException($"Unknown member '{name}' at '{path}': {shape.Name} has no such member.");
                    }

                    ValidateJson(model, model.Shape(member.Shape), value, $"{path}.{name}");
                }

                foreach (var required in shape.Required)
                {
                    if (obj[required] is null)
                    {
                        throw new ModelViolationException($"Missing required member '{required}' at '{path}' ({shape.Name}).");
                    }
                }

                break;
            case "list":
                if (node is not JsonArray array)
                {
                    throw WrongType(path, shape, kind);
                }

                CheckRange(path, shape, array.Count, "have at least", "items");
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateJson(model, model.Shape(shape.ListMember!), array[i], $"{path}[{i}]");
                }

                break;
            case "map":
                if (node is not JsonObject map)
                {
                    throw WrongType(path, shape, kind);
                }

                foreach (var (key, value) in map)
                {
                    ValidateScalar(model.Shape(shape.MapKey!), key, $"{path}.<key>");
                    ValidateJson(model, model.Shape(shape.MapValue!), value, $"{path}.{key}");
                }

                break;
            case "string":
                if (kind != JsonValueKind.String)
                {
                    throw WrongType(path, shape, kind);
                }

                ValidateScalar(shape, node.GetValue<string>(), path);
                break;
            case "blob":
                if (kind != JsonValueKind.String || !IsBase64(node.GetValue<string>()))
                {
                    throw WrongType(path, shape, kind);
                }

                break;
            case "integer" or "long":
                if (kind != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    throw WrongType(path, shape, kind);
                }

                CheckRange(path, shape, number, "be greater than or equal to", "");
                break;
            case "float" or "double":
                if (kind != JsonValueKind.Number)
                {
                    throw WrongType(path, shape, kind);
                }

                break;
            case "boolean":
                if (kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw WrongType(path, shape, kind);
                }

                break;
            case "timestamp":
                if (kind != JsonValueKind.Number)
                {
                    throw WrongType(path, shape, kind);
                }

                break;
            default:
                throw new ModelViolationException($"The model type '{shape.Type}' of {shape.Name} is not supported by the test server.");
        }
    }

    private static void ValidateScalar(ModelShape shape, string value, string path)
    {
        CheckRange(path, shape, value.Length, "have length greater than or equal to", "");
        if (shape.Enum is { } values && !values.Contains(value, StringComparer.Ordinal))
        {
            throw new ModelViolationException($"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", values)}].");
        }
    }

    private static void CheckRange(string path, ModelShape shape, long value, string what, string unit)
    {
        if (shape.Min is { } min && value < min)
        {
            throw new ModelViolationException($"Value at '{path}' failed to satisfy constraint: Member must {what} {min}{(unit.Length > 0 ? " " + unit : "")} ({shape.Name}).");
        }

        if (shape.Max is { } max && value > max)
        {
            throw new ModelViolationException($"Value at '{path}' failed to satisfy constraint: Member must not exceed {max}{(unit.Length > 0 ? " " + unit : "")} ({shape.Name}).");
        }
    }

    private static ModelViolationException WrongType(string path, ModelShape shape, JsonValueKind kind)
        => new($"Value at '{path}' has the wrong type: the model ({shape.Name}) wants a {shape.Type}, the request has {kind}.");

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    /// <summary>Reads Query parameters (<c>Name.member.N.Field</c>) by the operation's input shape; every parameter must be consumed.</summary>
    public static JsonObject ReadQuery(ServiceModel model, ModelOperation operation, IReadOnlyDictionary<string, string> form)
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal) { "Action", "Version" };
        var result = operation.Input is null
            ? new JsonObject()
            : (JsonObject)ReadQueryValue(model, model.Shape(operation.Input), "", form, consumed)!;
        var unknown = form.Keys.Where(k => !consumed.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ModelViolationException($"Unknown parameter(s) for {operation.Name}: {string.Join(", ", unknown)}.");
        }

        return result;
    }

    private static JsonNode? ReadQueryValue(ServiceModel model, ModelShape shape, string prefix, IReadOnlyDictionary<string, string> form, HashSet<string> consumed)
    {
        string Key(string name) => prefix.Length == 0 ? name : prefix + "." + name;

        switch (shape.Type)
        {
            case "structure":
            {
                if (prefix.Length > 0 && !form.Keys.Any(k => k.StartsWith(prefix + ".", StringComparison.Ordinal)))
                {
                    return null;
                }

                var obj = new JsonObject();
                foreach (var (name, member) in shape.Members)
                {
                    var value = ReadQueryValue(model, model.Shape(member.Shape), Key(member.LocationName ?? name), form, consumed);
                    if (value is not null)
                    {
                        obj[name] = value;
                    }
                }

                foreach (var required in shape.Required)
                {
                    if (obj[required] is null)
                    {
                        throw new ModelViolationException($"Missing required parameter '{Key(required)}' ({shape.Name}).");
                    }
                }

                return obj;
            }

            case "list":
            {
                var itemPrefix = shape.Flattened ? prefix + "." : prefix + ".member.";
                if (form.TryGetValue(prefix, out var empty))
                {
                    // An empty list travels as "Name=".
                    if (empty.Length != 0)
                    {
                        throw new ModelViolationException($"Parameter '{prefix}' is a list ({shape.Name}); write its items as {itemPrefix}N.");
                    }

                    consumed.Add(prefix);
                    return new JsonArray();
                }

                var indexes = new SortedSet<int>();
                foreach (var key in form.Keys.Where(k => k.StartsWith(itemPrefix, StringComparison.Ordinal)))
                {
                    var rest = key[itemPrefix.Length..];
                    var dot = rest.IndexOf('.', StringComparison.Ordinal);
                    var text = dot < 0 ? rest : rest[..dot];
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1)
                    {
                        throw new ModelViolationException($"Parameter '{key}' has a bad list index (lists count from 1).");
                    }

                    indexes.Add(index);
                }

                if (indexes.Count == 0)
                {
                    return null;
                }

                if (indexes.Max != indexes.Count)
                {
                    throw new ModelViolationException($"The items of list '{prefix}' are not numbered 1..{indexes.Count}.");
                }

                CheckRange(prefix, shape, indexes.Count, "have at least", "items");
                var array = new JsonArray();
                foreach (var index in indexes)
                {
                    array.Add(ReadQueryValue(model, model.Shape(shape.ListMember!), itemPrefix + index.ToString(CultureInfo.InvariantCulture), form, consumed)
                        ?? throw new ModelViolationException($"List item '{itemPrefix}{index}' is empty."));
                }

                return array;
            }

            case "map":
                throw new ModelViolationException($"Query maps ({shape.Name}) are not supported by the test server.");
        }

        if (!form.TryGetValue(prefix, out var text2))
        {
            return null;
        }

        consumed.Add(prefix);
        switch (shape.Type)
        {
            case "string":
                ValidateScalar(shape, text2, prefix);
                return JsonValue.Create(text2);
            case "integer" or "long":
                if (!long.TryParse(text2, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    throw new ModelViolationException($"Parameter '{prefix}' is '{text2}', not an {shape.Type} ({shape.Name}).");
                }

                CheckRange(prefix, shape, number, "be greater than or equal to", "");
                if (shape.Type == "integer")
                {
                    return number is >= int.MinValue and <= int.MaxValue
                        ? JsonValue.Create((int)number)
                        : throw new ModelViolationException($"Parameter '{prefix}' is {number}, outside the range of an integer ({shape.Name}).");
                }

                return JsonValue.Create(number);
            case "boolean":
                return text2 switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    _ => throw new ModelViolationException($"Parameter '{prefix}' is '{text2}', not a boolean ({shape.Name})."),
                };
            case "timestamp":
                if (!DateTimeOffset.TryParse(text2, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                {
                    throw new ModelViolationException($"Parameter '{prefix}' is '{text2}', not an ISO 8601 timestamp ({shape.Name}).");
                }

                return JsonValue.Create(date);
            case "blob":
                return IsBase64(text2) ? JsonValue.Create(text2) : throw new ModelViolationException($"Parameter '{prefix}' is not base64 ({shape.Name}).");
            default:
                throw new ModelViolationException($"The model type '{shape.Type}' of {shape.Name} is not supported by the test server.");
        }
    }

    /// <summary>Writes an operation's answer as AWS JSON, checking it against the output shape (a server bug fails loudly).</summary>
    public static JsonObject WriteJson(ServiceModel model, ModelOperation operation, JsonObject output)
    {
        if (operation.Output is null)
        {
            return new JsonObject();
        }

        return (JsonObject)WriteJsonValue(model, model.Shape(operation.Output), output, operation.Output);
    }

    private static JsonNode WriteJsonValue(ServiceModel model, ModelShape shape, JsonNode node, string path)
    {
        switch (shape.Type)
        {
            case "structure":
            {
                var result = new JsonObject();
                foreach (var (name, value) in node.AsObject())
                {
                    if (value is null)
                    {
                        continue;
                    }

                    var member = shape.Members.TryGetValue(name, out var m)
                        ? m
                        : throw new InvalidOperationException($"Test server bug: {path} has no member '{name}' in the model.");
                    result[name] = WriteJsonValue(model, model.Shape(member.Shape), value, $"{path}.{name}");
                }

                foreach (var required in shape.Required.Where(r => result[r] is null))
                {
                    throw new InvalidOperationException($"Test server bug: {path} lacks the required member '{required}'.");
                }

                return result;
            }

            case "list":
                return new JsonArray(node.AsArray().Select((item, i) => (JsonNode?)WriteJsonValue(model, model.Shape(shape.ListMember!), item!, $"{path}[{i}]")).ToArray());
            case "timestamp":
                return JsonValue.Create(node.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds() / 1000.0);
            default:
                return node.DeepClone();
        }
    }

    /// <summary>Writes an operation's answer as Query XML: <c>&lt;OpResponse&gt;&lt;OpResult&gt;...&lt;/OpResult&gt;&lt;ResponseMetadata/&gt;</c>.</summary>
    public static XDocument WriteXml(ServiceModel model, ModelOperation operation, JsonObject output, string requestId)
    {
        XNamespace ns = model.XmlNamespace ?? "";
        var response = new XElement(ns + (operation.Name + "Response"));
        if (operation.Output is not null)
        {
            var result = new XElement(ns + (operation.ResultWrapper ?? operation.Name + "Result"));
            WriteXmlMembers(model, model.Shape(operation.Output), output, result, ns, operation.Output);
            response.Add(result);
        }

        response.Add(new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", requestId)));
        return new XDocument(response);
    }

    private static void WriteXmlMembers(ServiceModel model, ModelShape shape, JsonObject obj, XElement into, XNamespace ns, string path)
    {
        foreach (var (name, value) in obj)
        {
            if (value is null)
            {
                continue;
            }

            var member = shape.Members.TryGetValue(name, out var m)
                ? m
                : throw new InvalidOperationException($"Test server bug: {path} has no member '{name}' in the model.");
            into.Add(WriteXmlValue(model, model.Shape(member.Shape), value, ns + (member.LocationName ?? name), ns, $"{path}.{name}"));
        }

        foreach (var required in shape.Required.Where(r => obj[r] is null))
        {
            throw new InvalidOperationException($"Test server bug: {path} lacks the required member '{required}'.");
        }
    }

    private static XElement WriteXmlValue(ServiceModel model, ModelShape shape, JsonNode node, XName name, XNamespace ns, string path)
    {
        var element = new XElement(name);
        switch (shape.Type)
        {
            case "structure":
                WriteXmlMembers(model, shape, node.AsObject(), element, ns, path);
                break;
            case "list":
                foreach (var item in node.AsArray())
                {
                    element.Add(WriteXmlValue(model, model.Shape(shape.ListMember!), item!, ns + "member", ns, path + "[]"));
                }

                break;
            case "timestamp":
                element.Value = node.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                break;
            case "boolean":
                element.Value = node.GetValue<bool>() ? "true" : "false";
                break;
            case "string":
                element.Value = node.GetValue<string>();
                break;
            default:
                element.Value = node.ToJsonString();
                break;
        }

        return element;
    }
}
