using System.Globalization;
using System.Text;

namespace Hybrid.Jsonata.Internal;

/// <summary>JavaScript's encodeURI(Component) and decodeURI(Component).</summary>
internal static class UrlCoding
{
    private const string UnreservedMarks = "-_.!~*'()";
    private const string Reserved = ";/?:@&=+$,#";

    public static string Encode(string s, bool component, string functionName)
    {
        var sb = new StringBuilder(s.Length);
        Span<byte> buf = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetterOrDigit(c) || UnreservedMarks.Contains(c, StringComparison.Ordinal)
                || (!component && Reserved.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
                continue;
            }

            int cp;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    cp = char.ConvertToUtf32(c, s[i + 1]);
                    i++;
                }
                else
                {
                    throw new JsonataException("D3140", null, s) { Extra = functionName };
                }
            }
            else if (char.IsLowSurrogate(c))
            {
                throw new JsonataException("D3140", null, s) { Extra = functionName };
            }
            else
            {
                cp = c;
            }

            var n = new Rune(cp).EncodeToUtf8(buf);
            for (var b = 0; b < n; b++)
            {
                sb.Append('%').Append(buf[b].ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public static string Decode(string s, bool component, string functionName)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            var start = i;
            var b0 = HexByte(s, i, functionName);
            i += 2;
            if (b0 < 0x80)
            {
                var ch = (char)b0;
                if (!component && Reserved.Contains(ch, StringComparison.Ordinal))
                {
                    sb.Append(s, start, 3);
                }
                else
                {
                    sb.Append(ch);
                }

                continue;
            }

            int n;
            if ((b0 & 0xE0) == 0xC0)
            {
                n = 2;
            }
            else if ((b0 & 0xF0) == 0xE0)
            {
                n = 3;
            }
            else if ((b0 & 0xF8) == 0xF0)
            {
                n = 4;
            }
            else
            {
                throw new JsonataException("D3140", null, s) { Extra = functionName };
            }

            var bytes = new byte[n];
            bytes[0] = (byte)b0;
            for (var k = 1; k < n; k++)
            {
                i++;
                if (i >= s.Length || s[i] != '%')
                {
                    throw new JsonataException("D3140", null, s) { Extra = functionName };
                }

                var b = HexByte(s, i, functionName);
                if ((b & 0xC0) != 0x80)
                {
                    throw new JsonataException("D3140", null, s) { Extra = functionName };
                }

                bytes[k] = (byte)b;
                i += 2;
            }

            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) != System.Buffers.OperationStatus.Done || consumed != n)
            {
                throw new JsonataException("D3140", null, s) { Extra = functionName };
            }

            sb.Append(rune.ToString());
        }

        return sb.ToString();
    }

    private static int HexByte(string s, int i, string functionName)
    {
        if (i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2]))
        {
            return int.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        throw new JsonataException("D3140", null, s) { Extra = functionName };
    }
}
