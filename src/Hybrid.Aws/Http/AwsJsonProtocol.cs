using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Hybrid.Aws.Http;

/// <summary>AWS JSON 1.0: the request body, the error shape, and strict readers for response members.</summary>
internal static class AwsJsonProtocol
{
    public const string ContentType = "application/x-amz-json-1.0";

    public static Func<HttpContent> Body(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        return () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
            return content;
        };
    }

    public static void WriteOptional(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>
    /// The error code from <c>x-amzn-ErrorType</c> (before any <c>:</c>) or the body's <c>__type</c> (after any
    /// <c>#</c>); a body that does not parse still yields an error named after the HTTP status.
    /// </summary>
    public static AwsErrorDetails ParseError(string service, string operation, AwsHttpResponse response)
    {
        string? code = null;
        string? message = null;
        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (property.NameEquals("__type") || (code is null && property.Name.Equals("code", StringComparison.OrdinalIgnoreCase)))
                    {
                        code = property.Value.GetString();
                    }
                    else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                    {
                        message = property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // An error body that is not JSON (a proxy's HTML page, say) still has a status to go by.
        }

        if (!string.IsNullOrEmpty(response.ErrorType))
        {
            code = response.ErrorType;
        }

        code = Normalize(code) ?? $"Http{(int)response.StatusCode}";
        return new AwsErrorDetails(service, operation, code, message, response.StatusCode, response.RequestId);
    }

    private static string? Normalize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }

    public static JsonElement ParseObject(AwsHttpResponse response)
    {
        using var doc = JsonDocument.Parse(response.Body);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"expected a JSON object, got {doc.RootElement.ValueKind}");
        }

        return doc.RootElement.Clone();
    }

    public static string RequiredString(this JsonElement obj, string name)
        => obj.OptionalString(name) ?? throw new FormatException($"member '{name}' is missing");

    public static string? OptionalString(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"member '{name}' is {value.ValueKind}, not a string");
    }

    public static DateTimeOffset RequiredTimestamp(this JsonElement obj, string name)
        => obj.OptionalTimestamp(name) ?? throw new FormatException($"member '{name}' is missing");

    /// <summary>AWS JSON timestamps are epoch seconds, with a fraction.</summary>
    public static DateTimeOffset? OptionalTimestamp(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000))
            : throw new FormatException($"member '{name}' is {value.ValueKind}, not an epoch timestamp");
    }

    public static long RequiredLong(this JsonElement obj, string name)
        => obj.OptionalLong(name) ?? throw new FormatException($"member '{name}' is missing");

    public static long? OptionalLong(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new FormatException($"member '{name}' is {value.ValueKind}, not an integer");
    }
}
