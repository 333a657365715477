using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Asl.Json;

/// <summary>
/// JSON value utilities shared by the engine: equality that compares numbers by value, the one place that decides when a
/// node must be cloned before it gets a new parent, compact serialisation as AWS prints it, and payload sizes.
/// </summary>
public static class AslJson
{
    /// <summary>
    /// Writer options for every payload the engine prints: compact, and non-ASCII text left as is (AWS does not escape it).
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    /// <summary>
    /// Returns <paramref name="node"/> itself when it has no parent, otherwise a deep clone, so that it can be put into a
    /// new parent. Use it whenever a node read from an <c>ExpressionContext</c> goes into new JSON.
    /// </summary>
    public static JsonNode? Adopt(JsonNode? node) => node is null || node.Parent is null ? node : node.DeepClone();

    /// <summary>The JSON kind of a node, with C# null mapped to <see cref="JsonValueKind.Null"/>.</summary>
    public static JsonValueKind KindOf(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    /// <summary>Compact JSON text of a node, as AWS prints payloads (<c>null</c> for JSON null).</summary>
    public static string ToJsonString(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        // The thread's writer and buffer, taken for the call (a nested call would make its own) and given back unless
        // the buffer grew past the size worth keeping: serializing is the durable runner's most frequent allocation.
        var (buffer, writer) = t_writer is { } cached ? cached : (new ArrayBufferWriter<byte>(256), new Utf8JsonWriter(Stream.Null, WriterOptions));
        t_writer = null;
        writer.Reset(buffer);
        try
        {
            Write(node, writer);
            writer.Flush();
            return UnescapeSurrogatePairs(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= KeptBufferBytes)
            {
                t_writer = (buffer, writer);
            }
        }
    }

    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_writer;

    /// <summary>A string as a JSON string literal, quotes included (<c>a"b</c> becomes <c>"a\"b"</c>).</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new ArrayBufferWriter<byte>(text.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStringValue(text);
        }

        return UnescapeSurrogatePairs(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>
    /// The size in bytes of the compact UTF-8 JSON text of a node as AWS writes it (non-ASCII characters unescaped),
    /// counted without building the text: parsed strings and numbers are measured on their source bytes.
    /// </summary>
    public static long Utf8Size(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return 4;
            case JsonObject obj:
            {
                long size = 2 + Math.Max(0, obj.Count - 1);
                foreach (var pair in obj)
                {
                    size += StringSize(pair.Key) + 1 + Utf8Size(pair.Value);
                }

                return size;
            }

            case JsonArray array:
            {
                long size = 2 + Math.Max(0, array.Count - 1);
                for (var i = 0; i < array.Count; i++)
                {
                    size += Utf8Size(array[i]);
                }

                return size;
            }

            case JsonValue value:
                return ValueSize(value);
            default:
                return WriterSize(node);
        }
    }

    /// <summary>
    /// Forces System.Text.Json to build the lazy storage of every object and array under <paramref name="node"/>, so
    /// that later reads never write: do it before sharing a tree with several threads (variables read by concurrent
    /// branches, for example). Returns the node.
    /// </summary>
    public static JsonNode? Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var pair in obj)
                {
                    Materialize(pair.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Materialize(item);
                }

                break;
            default:
                break;
        }

        return node;
    }

    private static long ValueSize(JsonValue value)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                {
                    var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
                    return raw.IndexOf((byte)'\\') < 0 ? raw.Length : StringSize(ReadString(element));
                }

                case JsonValueKind.Number:
                    return System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).Length;
                case JsonValueKind.True:
                case JsonValueKind.Null:
                    return 4;
                case JsonValueKind.False:
                    return 5;
                default:
                    return WriterSize(value);
            }
        }

        return value.TryGetValue(out string? text) ? StringSize(text) : WriterSize(value);
    }

    /// <summary>The UTF-8 size of a JSON string literal, quotes included, escaping only what JSON requires.</summary>
    private static long StringSize(string text)
    {
        long size = 2;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                size += c switch
                {
                    '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
                    < ' ' => 6,
                    _ => 1,
                };
            }
            else if (c < 0x800)
            {
                size += 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                size += 4;
                i++;
            }
            else
            {
                size += char.IsSurrogate(c) ? 6 : 3;
            }
        }

        return size;
    }

    private static long WriterSize(JsonNode node)
    {
        var counter = new CountingBufferWriter();
        using (var writer = new Utf8JsonWriter(counter, WriterOptions))
        {
            Write(node, writer);
        }

        return counter.Count;
    }

    /// <summary>
    /// Deep equality of two JSON values. Numbers compare by value (<c>1</c> equals <c>1.0</c>), object member order does
    /// not matter, array order does.
    /// </summary>
    public static bool DeepEquals(JsonNode? left, JsonNode? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        var leftKind = KindOf(left);
        var rightKind = KindOf(right);
        if (leftKind != rightKind)
        {
            // true and false are different kinds but the same "boolean" type: still unequal.
            return false;
        }

        switch (leftKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                return string.Equals(StringOf(left!), StringOf(right!), StringComparison.Ordinal);
            case JsonValueKind.Number:
                return JsonNumbers.Compare(left!, right!) == 0;
            case JsonValueKind.Array:
            {
                var a = left!.AsArray();
                var b = right!.AsArray();
                if (a.Count != b.Count)
                {
                    return false;
                }

                for (var i = 0; i < a.Count; i++)
                {
                    if (!DeepEquals(a[i], b[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            case JsonValueKind.Object:
            {
                var a = left!.AsObject();
                var b = right!.AsObject();
                if (a.Count != b.Count)
                {
                    return false;
                }

                foreach (var pair in a)
                {
                    if (!b.TryGetPropertyValue(pair.Key, out var other) || !DeepEquals(pair.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>A hash code consistent with <see cref="DeepEquals"/> (numbers hash by value).</summary>
    public static int GetDeepHashCode(JsonNode? node)
    {
        switch (KindOf(node))
        {
            case JsonValueKind.Null:
                return 0;
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 2;
            case JsonValueKind.String:
                return StringComparer.Ordinal.GetHashCode(StringOf(node!));
            case JsonValueKind.Number:
                if (JsonNumbers.TryGetDecimal(node, out var m))
                {
                    // decimal's hash code already ignores trailing zeros (1.0m and 1m hash alike).
                    return m.GetHashCode();
                }

                return JsonNumbers.TryGetDouble(node, out var d) ? d.GetHashCode() : 3;
            case JsonValueKind.Array:
            {
                var hash = new HashCode();
                foreach (var item in node!.AsArray())
                {
                    hash.Add(GetDeepHashCode(item));
                }

                return hash.ToHashCode();
            }

            case JsonValueKind.Object:
            {
                // Order-independent: sum of the members' hashes.
                var sum = 17;
                foreach (var pair in node!.AsObject())
                {
                    sum += HashCode.Combine(StringComparer.Ordinal.GetHashCode(pair.Key), GetDeepHashCode(pair.Value));
                }

                return sum;
            }

            default:
                return 4;
        }
    }

    /// <summary>An equality comparer over <see cref="DeepEquals"/>.</summary>
    public static IEqualityComparer<JsonNode?> Comparer { get; } = new DeepComparer();

    /// <summary>Parses JSON text keeping numbers as written (large integers keep their precision).</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 1024 });

    /// <summary>The name AWS uses for a JSON type in messages.</summary>
    internal static string TypeName(JsonNode? node) => KindOf(node) switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>
    /// The text of a JSON string node. A string holding a lone surrogate (which System.Text.Json parses but cannot read
    /// back) raises States.Runtime rather than an <see cref="InvalidOperationException"/>.
    /// </summary>
    internal static string StringOf(JsonNode node)
    {
        try
        {
            return node.GetValue<string>();
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }
    }

    /// <summary>The string value of a JSON string node; false for any other kind.</summary>
    internal static bool TryGetString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = StringOf(v);
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>
    /// System.Text.Json's encoders always escape characters outside the Basic Multilingual Plane (<c>\uD83D\uDE00</c>);
    /// AWS writes them as they are. Turns each escaped surrogate pair back into the character.
    /// </summary>
    private static string UnescapeSurrogatePairs(string json)
    {
        if (!json.Contains("\\uD", StringComparison.Ordinal))
        {
            return json;
        }

        var builder = new System.Text.StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c != '\\' || i + 1 >= json.Length)
            {
                builder.Append(c);
                continue;
            }

            if (json[i + 1] == 'u' && i + 11 < json.Length && TryHex(json, i + 2, out var high) && char.IsHighSurrogate(high)
                && json[i + 6] == '\\' && json[i + 7] == 'u' && TryHex(json, i + 8, out var low) && char.IsLowSurrogate(low))
            {
                builder.Append(high).Append(low);
                i += 11;
                continue;
            }

            // Any other escape (including an escaped backslash) is kept as it is.
            builder.Append(c).Append(json[i + 1]);
            i++;
        }

        return builder.ToString();
    }

    private static string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }
    }

    private static Errors.AslException LoneSurrogate(Exception e) =>
        new(Errors.ErrorNames.Runtime, "The payload holds a string that is not valid Unicode (a lone surrogate) and cannot be serialized.", e);

    private static void Write(JsonNode node, Utf8JsonWriter writer)
    {
        try
        {
            node.WriteTo(writer);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reads a lone surrogate escape (\uD83D alone) but cannot write it back.
            throw new Errors.AslException(Errors.ErrorNames.Runtime, "The payload holds a string that is not valid Unicode (a lone surrogate) and cannot be serialized.", e);
        }
    }

    private static bool TryHex(string text, int start, out char value)
    {
        var ok = int.TryParse(text.AsSpan(start, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var number);
        value = (char)number;
        return ok;
    }

    private sealed class DeepComparer : IEqualityComparer<JsonNode?>
    {
        public bool Equals(JsonNode? x, JsonNode? y) => DeepEquals(x, y);

        public int GetHashCode(JsonNode? obj) => GetDeepHashCode(obj);
    }

    /// <summary>
    /// An <see cref="IBufferWriter{T}"/> that only counts: it hands out one reused scratch buffer, and subtracts 8 bytes
    /// for each escaped surrogate pair (12 bytes of <c>\uD83D\uDE00</c> are 4 bytes of UTF-8 as AWS writes them).
    /// </summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>
    {
        [ThreadStatic]
        private static byte[]? _scratch;

        private byte[] _buffer = _scratch ??= new byte[4096];
        private int _state;
        private int _hexDigits;
        private int _hexValue;

        public long Count { get; private set; }

        public void Advance(int count)
        {
            Count += count;
            for (var i = 0; i < count; i++)
            {
                Scan(_buffer[i]);
            }
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint);

        // States: 0 text, 1 after '\', 2 hex of a first escape, 3 after a high surrogate, 4 after its '\', 5 hex of a second escape.
        private void Scan(byte b)
        {
            switch (_state)
            {
                case 0:
                    _state = b == (byte)'\\' ? 1 : 0;
                    break;
                case 1:
                case 4:
                    if (b == (byte)'u')
                    {
                        _state = _state == 1 ? 2 : 5;
                        _hexDigits = 0;
                        _hexValue = 0;
                    }
                    else
                    {
                        _state = 0;
                    }

                    break;
                case 2:
                case 5:
                    _hexValue = (_hexValue << 4) | HexValue(b);
                    if (++_hexDigits == 4)
                    {
                        if (_state == 5 && char.IsLowSurrogate((char)_hexValue))
                        {
                            Count -= 8;
                            _state = 0;
                        }
                        else
                        {
                            _state = char.IsHighSurrogate((char)_hexValue) ? 3 : 0;
                        }
                    }

                    break;
                default:
                    _state = b == (byte)'\\' ? 4 : 0;
                    break;
            }
        }

        private static int HexValue(byte b) => b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => 0,
        };

        private byte[] Ensure(int sizeHint)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
                _scratch = _buffer;
            }

            return _buffer;
        }
    }
}
