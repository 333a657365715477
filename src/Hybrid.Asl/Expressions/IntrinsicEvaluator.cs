using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>The implementations of the intrinsic functions, with AWS's argument checks and limits.</summary>
internal static class IntrinsicEvaluator
{
    /// <summary>States.ArrayRange returns at most this many items.</summary>
    internal const int MaxRangeItems = 1000;

    /// <summary>States.Base64Encode, Base64Decode and Hash take at most this many characters.</summary>
    internal const int MaxInputCharacters = 10000;

    private static readonly string[] Ordinals = ["first", "second", "third"];

    public static JsonNode? Evaluate(IntrinsicFunction call, in IntrinsicEnvironment env)
    {
        var args = call.Arguments;
        switch (call.Kind)
        {
            case IntrinsicKind.Format:
                return Format(call, env);
            case IntrinsicKind.StringToJson:
                return StringToJson(call, String(call, env, 0));
            case IntrinsicKind.JsonToString:
                return JsonValue.Create(AslJson.ToJsonString(args[0].Evaluate(env)));
            case IntrinsicKind.Array:
            {
                var array = new JsonArray();
                foreach (var argument in args)
                {
                    array.Add(env.Context.Own(argument.Evaluate(env)));
                }

                return array;
            }

            case IntrinsicKind.ArrayPartition:
                return ArrayPartition(call, Array(call, env, 0), Integer(call, env, 1));
            case IntrinsicKind.ArrayContains:
            {
                var array = Array(call, env, 0);
                var value = args[1].Evaluate(env);
                foreach (var item in array)
                {
                    if (AslJson.DeepEquals(item, value))
                    {
                        return JsonValue.Create(true);
                    }
                }

                return JsonValue.Create(false);
            }

            case IntrinsicKind.ArrayRange:
                return ArrayRange(call, Integer(call, env, 0), Integer(call, env, 1), Integer(call, env, 2));
            case IntrinsicKind.ArrayGetItem:
            {
                var array = Array(call, env, 0);
                var index = Integer(call, env, 1);
                if (index < 0 || index >= array.Count)
                {
                    throw Failure(call, $"the index {index.ToString(CultureInfo.InvariantCulture)} is out of bounds for an array of {array.Count.ToString(CultureInfo.InvariantCulture)} item(s)");
                }

                return array[(int)index]?.DeepClone();
            }

            case IntrinsicKind.ArrayLength:
                return JsonValue.Create((long)Array(call, env, 0).Count);
            case IntrinsicKind.ArrayUnique:
                return ArrayUnique(Array(call, env, 0));
            case IntrinsicKind.Base64Encode:
            {
                var text = LimitedString(call, env, 0);
                return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
            }

            case IntrinsicKind.Base64Decode:
                return Base64Decode(call, LimitedString(call, env, 0));
            case IntrinsicKind.Hash:
                return Hash(call, LimitedString(call, env, 0), String(call, env, 1));
            case IntrinsicKind.JsonMerge:
                return JsonMerge(call, env);
            case IntrinsicKind.MathRandom:
                return MathRandom(call, env);
            case IntrinsicKind.MathAdd:
                return MathAdd(call, env);
            case IntrinsicKind.StringSplit:
                return StringSplit(String(call, env, 0), String(call, env, 1));
            case IntrinsicKind.UUID:
                return JsonValue.Create(env.Context.Entropy.NewGuid().ToString("D"));
            default:
                throw Failure(call, "the function is not supported");
        }
    }

    private static JsonValue Format(IntrinsicFunction call, in IntrinsicEnvironment env)
    {
        var args = call.Arguments;
        var template = call.LiteralFormat;
        if (template is null)
        {
            template = FormatTemplate.FromValue(String(call, env, 0));
            if (template.Placeholders != args.Length - 1)
            {
                throw Failure(call, $"the format string has {template.Placeholders.ToString(CultureInfo.InvariantCulture)} '{{}}' placeholder(s) but {(args.Length - 1).ToString(CultureInfo.InvariantCulture)} argument(s) were given");
            }
        }

        var pieces = template.Pieces;
        var builder = new StringBuilder(pieces[0]);
        for (var i = 1; i < pieces.Length; i++)
        {
            var value = args[i].Evaluate(env);
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                builder.Append(AslJson.StringOf(v));
            }
            else
            {
                JavaRendering.Append(builder, value);
            }

            builder.Append(pieces[i]);
        }

        return JsonValue.Create(builder.ToString());
    }

    private static JsonNode? StringToJson(IntrinsicFunction call, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return AslJson.Parse(text);
        }
        catch (JsonException e)
        {
            throw Failure(call, $"the string is not valid JSON: {e.Message}");
        }
    }

    private static JsonArray ArrayPartition(IntrinsicFunction call, JsonArray array, long size)
    {
        if (size <= 0)
        {
            throw Failure(call, $"the chunk size must be a positive integer, not {size.ToString(CultureInfo.InvariantCulture)}");
        }

        var result = new JsonArray();
        JsonArray? chunk = null;
        for (var i = 0; i < array.Count; i++)
        {
            if (chunk is null || chunk.Count == size)
            {
                chunk = [];
                result.Add(chunk);
            }

            chunk.Add(array[i]?.DeepClone());
        }

        return result;
    }

    private static JsonArray ArrayRange(IntrinsicFunction call, long start, long end, long step)
    {
        if (step == 0)
        {
            throw Failure(call, "the step must not be 0");
        }

        var count = (step > 0 ? end >= start : end <= start) ? ((Math.Abs((decimal)end - start) / Math.Abs(step)) + 1) : 0;
        if (count > MaxRangeItems)
        {
            throw Failure(call, $"the range would have {decimal.Truncate(count).ToString(CultureInfo.InvariantCulture)} items; at most {MaxRangeItems.ToString(CultureInfo.InvariantCulture)} are allowed");
        }

        var result = new JsonArray();
        for (var i = 0; i < (int)count; i++)
        {
            result.Add(JsonValue.Create(start + (i * step)));
        }

        return result;
    }

    private static JsonArray ArrayUnique(JsonArray array)
    {
        var seen = new HashSet<JsonNode?>(AslJson.Comparer);
        var result = new JsonArray();
        foreach (var item in array)
        {
            if (seen.Add(item))
            {
                result.Add(item?.DeepClone());
            }
        }

        return result;
    }

    private static JsonValue Base64Decode(IntrinsicFunction call, string text)
    {
        var bytes = new byte[(text.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            throw Failure(call, "the argument is not valid Base64");
        }

        try
        {
            return JsonValue.Create(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written));
        }
        catch (DecoderFallbackException)
        {
            throw Failure(call, "the decoded bytes are not valid UTF-8 text");
        }
    }

    private static JsonValue Hash(IntrinsicFunction call, string data, string algorithm) =>
        JsonValue.Create(HexHash(data, algorithm)
            ?? throw Failure(call, $"the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384 or SHA-512, not '{algorithm}'"));

    /// <summary>The lowercase hex digest of a string's UTF-8 bytes (States.Hash and JSONata's $hash), or null for an unknown algorithm.</summary>
    internal static string? HexHash(string data, string algorithm)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        byte[]? hash = algorithm switch
        {
#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are what States.Hash offers; they are not used for security here.
            "MD5" => MD5.HashData(bytes),
            "SHA-1" => SHA1.HashData(bytes),
#pragma warning restore CA5350, CA5351
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-384" => SHA384.HashData(bytes),
            "SHA-512" => SHA512.HashData(bytes),
            _ => null,
        };
        return hash is null ? null : Convert.ToHexStringLower(hash);
    }

    private static JsonObject JsonMerge(IntrinsicFunction call, in IntrinsicEnvironment env)
    {
        var left = Object(call, env, 0);
        var right = Object(call, env, 1);
        var deep = call.Arguments[2].Evaluate(env);
        switch (AslJson.KindOf(deep))
        {
            case JsonValueKind.False:
                break;
            case JsonValueKind.True:
                throw Failure(call, "deep merging is not supported: the third argument must be false");
            default:
                throw TypeFailure(call, 2, "a boolean", deep);
        }

        var merged = new JsonObject();
        foreach (var pair in left)
        {
            merged[pair.Key] = pair.Value?.DeepClone();
        }

        foreach (var pair in right)
        {
            merged[pair.Key] = pair.Value?.DeepClone();
        }

        return merged;
    }

    /// <summary>
    /// A random integer in [start, end). Like AWS, non-integer bounds and seeds are rounded to the nearest integer (half
    /// up, Java style); without a seed the value comes from the entropy port, with one from Java's generator.
    /// </summary>
    private static JsonValue MathRandom(IntrinsicFunction call, in IntrinsicEnvironment env)
    {
        var start = RoundHalfUp(call, env, 0);
        var end = RoundHalfUp(call, env, 1);
        if (start >= end)
        {
            throw Failure(call, $"the start ({start.ToString(CultureInfo.InvariantCulture)}) must be less than the end ({end.ToString(CultureInfo.InvariantCulture)})");
        }

        if (call.Arguments.Length == 3)
        {
            if (end - start > int.MaxValue)
            {
                throw Failure(call, "a seeded range must span at most 2147483647 values");
            }

            var random = new JavaRandom(RoundHalfUp(call, env, 2));
            return JsonValue.Create(start + random.NextInt((int)(end - start)));
        }

        return JsonValue.Create(env.Context.Entropy.NextInt64(start, end));
    }

    private static JsonValue MathAdd(IntrinsicFunction call, in IntrinsicEnvironment env)
    {
        var sum = (decimal)RoundHalfUp(call, env, 0) + RoundHalfUp(call, env, 1);
        if (sum is < int.MinValue or > int.MaxValue)
        {
            throw Failure(call, "the sum is outside the range of a 32-bit integer");
        }

        return JsonValue.Create((long)sum);
    }

    /// <summary>Java's <c>Math.round</c>: half up, so 1.5 is 2 and -1.5 is -1 (and -0.5 is 0).</summary>
    private static long RoundHalfUp(IntrinsicFunction call, in IntrinsicEnvironment env, int index)
    {
        var value = call.Arguments[index].Evaluate(env);
        if (!JsonNumbers.IsNumber(value))
        {
            throw TypeFailure(call, index, "a number", value);
        }

        if (JsonNumbers.TryGetDecimal(value, out var m))
        {
            var rounded = decimal.Floor(m + 0.5m);
            if (rounded is >= int.MinValue and <= int.MaxValue)
            {
                return (long)rounded;
            }
        }

        throw Failure(call, $"the {Ordinal(index)} argument is outside the range of a 32-bit integer");
    }

    private static JsonArray StringSplit(string text, string delimiters)
    {
        var result = new JsonArray();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || delimiters.Contains(text[i], StringComparison.Ordinal))
            {
                if (i > start)
                {
                    result.Add(JsonValue.Create(text[start..i]));
                }

                start = i + 1;
            }
        }

        return result;
    }

    private static string String(IntrinsicFunction call, in IntrinsicEnvironment env, int index)
    {
        var value = call.Arguments[index].Evaluate(env);
        return AslJson.TryGetString(value, out var text) ? text : throw TypeFailure(call, index, "a string", value);
    }

    private static string LimitedString(IntrinsicFunction call, in IntrinsicEnvironment env, int index)
    {
        var text = String(call, env, index);
        if (text.Length > MaxInputCharacters)
        {
            throw Failure(call, $"the input is {text.Length.ToString(CultureInfo.InvariantCulture)} characters long; at most {MaxInputCharacters.ToString(CultureInfo.InvariantCulture)} are allowed");
        }

        return text;
    }

    private static JsonArray Array(IntrinsicFunction call, in IntrinsicEnvironment env, int index)
    {
        var value = call.Arguments[index].Evaluate(env);
        return value as JsonArray ?? throw TypeFailure(call, index, "an array", value);
    }

    private static JsonObject Object(IntrinsicFunction call, in IntrinsicEnvironment env, int index)
    {
        var value = call.Arguments[index].Evaluate(env);
        return value as JsonObject ?? throw TypeFailure(call, index, "an object", value);
    }

    private static long Integer(IntrinsicFunction call, in IntrinsicEnvironment env, int index)
    {
        var value = call.Arguments[index].Evaluate(env);
        return JsonNumbers.TryGetIntegral(value, out var number) ? number : throw TypeFailure(call, index, "an integer", value);
    }

    private static string Ordinal(int index) => index < Ordinals.Length ? Ordinals[index] : $"#{(index + 1).ToString(CultureInfo.InvariantCulture)}";

    private static AslException TypeFailure(IntrinsicFunction call, int index, string expected, JsonNode? actual) =>
        Failure(call, $"the {Ordinal(index)} argument must be {expected}, not {AslJson.TypeName(actual)} {Abbreviate(AslJson.ToJsonString(actual))}");

    private static string Abbreviate(string json) => json.Length <= 100 ? json : string.Concat(json.AsSpan(0, 100), "...");

    /// <remarks>
    /// AWS documents States.IntrinsicFailure as reserved for future use and reports intrinsic function errors as
    /// States.Runtime, which no Retry or Catch can handle.
    /// </remarks>
    private static AslException Failure(IntrinsicFunction call, string reason) =>
        new(ErrorNames.Runtime, $"Invalid arguments in {call.Name}: {reason}.");

    /// <summary><c>java.util.Random</c>'s generator, so that a seeded States.MathRandom is reproducible.</summary>
    private sealed class JavaRandom(long seed)
    {
        private const long Multiplier = 0x5DEECE66DL;
        private const long Mask = (1L << 48) - 1;
        private long _seed = (seed ^ Multiplier) & Mask;

        public int NextInt(int bound)
        {
            if ((bound & -bound) == bound)
            {
                return (int)((bound * (long)Next(31)) >> 31);
            }

            int bits;
            int value;
            do
            {
                bits = Next(31);
                value = bits % bound;
            }
            while (bits - value + (bound - 1) < 0);

            return value;
        }

        private int Next(int bits)
        {
            _seed = ((_seed * Multiplier) + 0xBL) & Mask;
            return (int)((ulong)_seed >> (48 - bits));
        }
    }
}
