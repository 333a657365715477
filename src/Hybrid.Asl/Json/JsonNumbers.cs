using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Asl.Json;

/// <summary>
/// Reading and making JSON numbers. Parsed numbers keep their original text, so large integers keep their precision;
/// numbers made here stay integral when their value is integral (never <c>1.0</c>).
/// </summary>
public static class JsonNumbers
{
    /// <summary>True when the node is a JSON number.</summary>
    public static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    /// <summary>The value as a long, when the number is written as an integer that fits.</summary>
    public static bool TryGetInt64(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.TryGetValue(out JsonElement e))
        {
            return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
        }

        return v.TryGetValue(out value) || TryGetIntegral(node, out value);
    }

    /// <summary>
    /// The value as a long when it is integral and fits, whatever its spelling (<c>3</c>, <c>3.0</c> or <c>3e0</c>).
    /// </summary>
    public static bool TryGetIntegral(JsonNode? node, out long value)
    {
        if (TryGetDecimal(node, out var m) && m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue)
        {
            value = (long)m;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>The value as a decimal, when it fits one.</summary>
    public static bool TryGetDecimal(JsonNode? node, out decimal value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.TryGetValue(out JsonElement e))
        {
            return e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out value);
        }

        if (v.TryGetValue(out long l))
        {
            value = l;
            return true;
        }

        if (v.TryGetValue(out int i))
        {
            value = i;
            return true;
        }

        if (v.TryGetValue(out decimal m))
        {
            value = m;
            return true;
        }

        if (v.TryGetValue(out double d))
        {
            return TryDoubleToDecimal(d, out value);
        }

        if (v.TryGetValue(out float f))
        {
            return TryDoubleToDecimal(f, out value);
        }

        if (v.TryGetValue(out ulong ul))
        {
            value = ul;
            return true;
        }

        if (v.TryGetValue(out uint ui))
        {
            value = ui;
            return true;
        }

        if (v.TryGetValue(out short s))
        {
            value = s;
            return true;
        }

        if (v.TryGetValue(out byte b))
        {
            value = b;
            return true;
        }

        return false;
    }

    /// <summary>The value as a double (always succeeds for a number; very large values become infinity).</summary>
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.TryGetValue(out JsonElement e))
        {
            if (e.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            if (e.TryGetDouble(out value))
            {
                return true;
            }

            // Out of double's range: System.Text.Json refuses, the value is still a number.
            var text = e.GetRawText();
            value = text.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (v.TryGetValue(out double d))
        {
            value = d;
            return true;
        }

        if (v.TryGetValue(out float f))
        {
            value = f;
            return true;
        }

        if (TryGetDecimal(node, out var m))
        {
            value = (double)m;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Compares two JSON numbers by value. Exact when both fit a decimal; otherwise by double, then by text.
    /// </summary>
    public static int Compare(JsonNode left, JsonNode right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (TryGetDecimal(left, out var a) && TryGetDecimal(right, out var b))
        {
            return a.CompareTo(b);
        }

        TryGetDouble(left, out var x);
        TryGetDouble(right, out var y);
        var byDouble = x.CompareTo(y);
        return byDouble != 0 || !double.IsInfinity(x)
            ? byDouble
            : string.CompareOrdinal(left.ToJsonString(), right.ToJsonString());
    }

    /// <summary>An integer number node.</summary>
    public static JsonValue Create(long value) => JsonValue.Create(value);

    /// <summary>A number node that is written as an integer when the value is integral (<c>2</c>, not <c>2.0</c>).</summary>
    public static JsonValue Create(decimal value)
    {
        if (value == decimal.Truncate(value) && value >= long.MinValue && value <= long.MaxValue)
        {
            return JsonValue.Create((long)value);
        }

        // Dividing by 1.000... strips trailing zeros from decimal's scale (1.50 becomes 1.5).
        return JsonValue.Create(value / 1.000000000000000000000000000000000m);
    }

    /// <summary>A number node that is written as an integer when the value is integral (<c>2</c>, not <c>2.0</c>).</summary>
    public static JsonValue Create(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity.");
        }

        if (Math.Floor(value) == value && Math.Abs(value) < 9.2e18)
        {
            return JsonValue.Create((long)value);
        }

        return JsonValue.Create(value);
    }

    /// <summary>The number as it is written in JSON (the original text for parsed numbers).</summary>
    public static string ToText(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node is JsonValue v && v.TryGetValue(out JsonElement e)
            ? e.GetRawText()
            : node.ToJsonString();
    }

    /// <summary>Whether the number is written as an integer (no fraction, no exponent).</summary>
    internal static bool IsWrittenAsInteger(JsonNode node)
    {
        var text = ToText(node);
        foreach (var c in text)
        {
            if (c is '.' or 'e' or 'E')
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDoubleToDecimal(double d, out decimal value)
    {
        if (double.IsFinite(d) && Math.Abs(d) < 7.9e28)
        {
            // Via the shortest round-trip text, so 0.1 stays 0.1 rather than 0.1000000000000000055...
            return decimal.TryParse(
                d.ToString("R", CultureInfo.InvariantCulture),
                NumberStyles.Float,
                CultureInfo.InvariantCulture,
                out value);
        }

        value = 0;
        return false;
    }
}
