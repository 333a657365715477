using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Asl.Json;

/// <summary>
/// Renders JSON values the way Java's <c>toString</c> prints the Jackson-decoded value, which is what
/// <c>States.Format</c> substitutes for <c>{}</c>: strings unquoted, objects as <c>{a=1, b=[x, y]}</c>, fractional
/// numbers as Java doubles (<c>1.0E20</c>, <c>100.0</c>).
/// </summary>
public static class JavaRendering
{
    /// <summary>The Java rendering of a value.</summary>
    public static string Render(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return AslJson.StringOf(v);
        }

        var builder = new StringBuilder();
        Append(builder, node);
        return builder.ToString();
    }

    /// <summary>Appends the Java rendering of a value.</summary>
    public static void Append(StringBuilder builder, JsonNode? node)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (AslJson.KindOf(node))
        {
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.String:
                builder.Append(AslJson.StringOf(node!));
                break;
            case JsonValueKind.Number:
                AppendNumber(builder, node!);
                break;
            case JsonValueKind.Array:
            {
                builder.Append('[');
                var first = true;
                foreach (var item in node!.AsArray())
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    Append(builder, item);
                }

                builder.Append(']');
                break;
            }

            case JsonValueKind.Object:
            {
                builder.Append('{');
                var first = true;
                foreach (var pair in node!.AsObject())
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    builder.Append(pair.Key).Append('=');
                    Append(builder, pair.Value);
                }

                builder.Append('}');
                break;
            }

            default:
                break;
        }
    }

    /// <summary>Java's <c>Double.toString</c> of a finite double.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // Shortest round-trip digits and the decimal exponent: value = 0.d1d2d3... x 10^pointPosition.
        var text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentIndex = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentIndex < 0 ? text : text[..exponentIndex];
        var exponent = exponentIndex < 0 ? 0 : int.Parse(text.AsSpan(exponentIndex + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        var pointPosition = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..];
        pointPosition -= leading;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var builder = new StringBuilder();
        if (value < 0)
        {
            builder.Append('-');
        }

        var magnitude = Math.Abs(value);
        if (magnitude is >= 1e-3 and < 1e7)
        {
            if (pointPosition <= 0)
            {
                builder.Append("0.").Append('0', -pointPosition).Append(digits);
            }
            else if (pointPosition >= digits.Length)
            {
                builder.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
            }
            else
            {
                builder.Append(digits.AsSpan(0, pointPosition)).Append('.').Append(digits.AsSpan(pointPosition));
            }
        }
        else
        {
            builder.Append(digits[0]).Append('.');
            builder.Append(digits.Length > 1 ? digits.AsSpan(1) : "0");
            builder.Append('E').Append((pointPosition - 1).ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static void AppendNumber(StringBuilder builder, JsonNode node)
    {
        if (JsonNumbers.IsWrittenAsInteger(node))
        {
            // Jackson decodes integers as Integer, Long or BigInteger: printed as written.
            builder.Append(JsonNumbers.ToText(node));
            return;
        }

        JsonNumbers.TryGetDouble(node, out var d);
        builder.Append(FormatDouble(d));
    }
}
