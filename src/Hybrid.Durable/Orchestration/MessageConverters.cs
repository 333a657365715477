using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hybrid.Durable.Orchestration;

/// <summary>
/// Writes a field that holds the text of a JSON object as that object, not as a string: the text goes out as it is,
/// without a second level of escaping, and comes back as the same text. Reads the string form too, which messages
/// written before this converter carry.
/// </summary>
/// <remarks>
/// For fields that hold null or the text of a JSON object that Hybrid itself wrote: such a text goes out unchecked. Any
/// other text (not starting with <c>{</c>) is written as a string, so it still comes back as it went.
/// </remarks>
public sealed class JsonObjectTextConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.StartObject => RawText(ref reader),
        _ => throw new JsonException($"Expected a JSON object, a string or null, not {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else if (value.StartsWith('{'))
        {
            writer.WriteRawValue(value, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static string RawText(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }
}

/// <summary>
/// Writes a list of <see cref="StoredEvent"/>s compactly: the instance and the time once, then each event as
/// <c>[sequence, type, details]</c>, with its own instance and time added only where they differ (events a branch
/// returned). A dispatch request carries the events since the last durable step, so this is most of its size.
/// Reads the older form, an array of objects, too.
/// </summary>
public sealed class StoredEventListConverter : JsonConverter<IReadOnlyList<StoredEvent>?>
{
    private static readonly JsonObjectTextConverter Details = new();

    public override bool HandleNull => true;

    public override IReadOnlyList<StoredEvent>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                return JsonSerializer.Deserialize<List<StoredEvent>>(ref reader, options);
            case JsonTokenType.StartObject:
                break;
            default:
                throw new JsonException($"Expected a list of history events, not {reader.TokenType}.");
        }

        string? instance = null;
        DateTimeOffset timestamp = default;
        var events = new List<StoredEvent>();
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            Next(ref reader);
            switch (property)
            {
                case "Instance":
                    instance = reader.GetString();
                    break;
                case "Timestamp":
                    timestamp = reader.GetDateTimeOffset();
                    break;
                case "Events":
                    Expect(reader.TokenType, JsonTokenType.StartArray);
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        events.Add(ReadEvent(ref reader, instance, timestamp, options));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return events;
    }

    private static StoredEvent ReadEvent(ref Utf8JsonReader reader, string? instance, DateTimeOffset timestamp, JsonSerializerOptions options)
    {
        Expect(reader.TokenType, JsonTokenType.StartArray);
        Expect(Next(ref reader), JsonTokenType.Number);
        var sequence = reader.GetInt64();
        Expect(Next(ref reader), JsonTokenType.String);
        var type = reader.GetString()!;
        Next(ref reader);
        var details = Details.Read(ref reader, typeof(string), options);
        if (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType, JsonTokenType.String);
            instance = reader.GetString();
            if (Next(ref reader) != JsonTokenType.EndArray)
            {
                Expect(reader.TokenType, JsonTokenType.String);
                timestamp = reader.GetDateTimeOffset();
                Expect(Next(ref reader), JsonTokenType.EndArray);
            }
        }

        return new StoredEvent(instance ?? throw new JsonException("A history event has no instance."), sequence, timestamp, type, details);
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<StoredEvent>? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        var first = value.Count > 0 ? value[0] : null;
        if (first is not null)
        {
            writer.WriteString("Instance", first.Instance);
            writer.WriteString("Timestamp", first.Timestamp);
        }

        writer.WriteStartArray("Events");
        foreach (var e in value)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(e.Sequence);
            writer.WriteStringValue(e.Type);
            Details.Write(writer, e.Details, options);
            var otherTime = !e.Timestamp.EqualsExact(first!.Timestamp);
            if (e.Instance != first.Instance || otherTime)
            {
                writer.WriteStringValue(e.Instance);
                if (otherTime)
                {
                    writer.WriteStringValue(e.Timestamp);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The history events end too early.");

    private static void Expect(JsonTokenType actual, JsonTokenType expected)
    {
        if (actual != expected)
        {
            throw new JsonException($"Expected {expected} in the history events, not {actual}.");
        }
    }
}
