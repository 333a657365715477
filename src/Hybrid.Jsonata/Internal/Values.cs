using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hybrid.Jsonata.Internal;

// Internal value model (mirrors the JavaScript reference implementation):
//   null (C#)            -> undefined
//   JNull.Instance       -> JSON null
//   double (boxed)       -> number
//   string, bool (boxed) -> string, boolean
//   JList                -> array or sequence (flags say which)
//   JObject              -> object (insertion ordered)
//   JFunction            -> lambda or built-in function
//   TupleItem            -> a binding tuple inside a tuple stream

/// <summary>The JSON null value (C# null stands for JSONata's undefined).</summary>
internal sealed class JNull
{
    public static readonly JNull Instance = new();

    private JNull()
    {
    }

    public override string ToString() => "null";
}

/// <summary>An array, or a sequence produced by path navigation.</summary>
internal sealed class JList : List<object?>
{
    public bool Sequence;
    public bool KeepSingleton;
    public bool Cons;
    public bool OuterWrapper;
    public bool TupleStream;

    public JList()
    {
    }

    public JList(int capacity) : base(capacity)
    {
    }

    public JList(IEnumerable<object?> items) : base(items)
    {
    }

    public static JList Seq() => new() { Sequence = true };

    public static JList Seq(object? item)
    {
        var l = new JList { Sequence = true };
        l.Add(item);
        return l;
    }
}

/// <summary>A JSON object; keys keep their insertion order.</summary>
internal sealed class JObject : OrderedDictionary<string, object?>
{
    public JObject() : base(StringComparer.Ordinal)
    {
    }

    public JObject(int capacity) : base(capacity, StringComparer.Ordinal)
    {
    }
}

/// <summary>One tuple of a tuple stream: '@' holds the context, other keys hold bound variables.</summary>
internal sealed class TupleItem : Dictionary<string, object?>
{
    public TupleItem() : base(StringComparer.Ordinal)
    {
    }

    public TupleItem(TupleItem other) : base(other, StringComparer.Ordinal)
    {
    }
}

internal static class V
{
    public static readonly object True = true;
    public static readonly object False = false;
    private static readonly object[] SmallInts = CreateSmallInts();

    private static object[] CreateSmallInts()
    {
        var a = new object[1025];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (double)i;
        }

        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object Bool(bool b) => b ? True : False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object Num(double d)
    {
        if (d >= 0 && d <= 1024)
        {
            var i = (int)d;
            if (i == d && !(d == 0 && double.IsNegative(d)))
            {
                return SmallInts[i];
            }
        }

        return d;
    }

    /// <summary>JSONata's isNumeric: a non-NaN number; an infinite one is an error (D1001).</summary>
    public static bool IsNumeric(object? v)
    {
        if (v is double d)
        {
            if (double.IsNaN(d))
            {
                return false;
            }

            if (double.IsInfinity(d))
            {
                throw new JsonataException("D1001", null, v);
            }

            return true;
        }

        return false;
    }

    public static bool IsArrayOfStrings(object? v)
    {
        if (v is not JList l)
        {
            return false;
        }

        foreach (var item in l)
        {
            if (item is not string)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsArrayOfNumbers(object? v)
    {
        if (v is not JList l)
        {
            return false;
        }

        foreach (var item in l)
        {
            if (!IsNumeric(item))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>JavaScript's === on JSONata values.</summary>
    public static bool StrictEquals(object? a, object? b)
    {
        if (a is double da)
        {
            return b is double db && da == db;
        }

        if (a is string sa)
        {
            return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
        }

        if (a is bool ba)
        {
            return b is bool bb && ba == bb;
        }

        return ReferenceEquals(a, b);
    }

    public static bool DeepEquals(object? lhs, object? rhs)
    {
        if (StrictEquals(lhs, rhs))
        {
            return true;
        }

        if (lhs is JList la && rhs is JList lb)
        {
            if (la.Count != lb.Count)
            {
                return false;
            }

            for (var i = 0; i < la.Count; i++)
            {
                if (!DeepEquals(la[i], lb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        if (lhs is JObject oa && rhs is JObject ob)
        {
            if (oa.Count != ob.Count)
            {
                return false;
            }

            foreach (var kv in oa)
            {
                if (!ob.TryGetValue(kv.Key, out var other) || !DeepEquals(kv.Value, other))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>JavaScript truthiness (used where the reference relies on it).</summary>
    public static bool JsTruthy(object? v) => v switch
    {
        null => false,
        JNull => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>The typeof-like symbol used by function signatures.</summary>
    public static char Symbol(object? v) => v switch
    {
        null => 'm',
        JFunction => 'f',
        string => 's',
        double => 'n',
        bool => 'b',
        JNull => 'l',
        JList => 'a',
        _ => 'o',
    };

    /// <summary>fn.append: concatenates, treating non-arrays as singletons.</summary>
    public static object? Append(object? arg1, object? arg2)
    {
        if (arg1 is null)
        {
            return arg2;
        }

        if (arg2 is null)
        {
            return arg1;
        }

        JList result;
        if (arg1 is JList l1)
        {
            result = new JList(l1.Count + 4);
            result.AddRange(l1);
        }
        else
        {
            result = new JList { arg1 };
        }

        if (arg2 is JList l2)
        {
            result.AddRange(l2);
        }
        else
        {
            result.Add(arg2);
        }

        return result;
    }

    /// <summary>fn.lookup: field access that maps over arrays.</summary>
    public static object? Lookup(object? input, string key)
    {
        if (input is JList list)
        {
            var result = JList.Seq();
            for (var i = 0; i < list.Count; i++)
            {
                var res = Lookup(list[i], key);
                if (res is not null)
                {
                    if (res is JList rl)
                    {
                        result.AddRange(rl);
                    }
                    else
                    {
                        result.Add(res);
                    }
                }
            }

            return result;
        }

        if (input is JObject obj)
        {
            return obj.TryGetValue(key, out var v) ? v : null;
        }

        return null;
    }

    public static JList Flatten(object? arg, JList? flattened = null)
    {
        flattened ??= new JList();
        if (arg is JList l)
        {
            foreach (var item in l)
            {
                Flatten(item, flattened);
            }
        }
        else
        {
            flattened.Add(arg);
        }

        return flattened;
    }

    /// <summary>fn.boolean: effective boolean value; undefined stays undefined (null).</summary>
    public static bool? Boolean(object? arg)
    {
        switch (arg)
        {
            case null:
                return null;
            case JList l:
                if (l.Count == 1)
                {
                    return Boolean(l[0]);
                }

                if (l.Count > 1)
                {
                    foreach (var item in l)
                    {
                        if (Boolean(item) == true)
                        {
                            return true;
                        }
                    }
                }

                return false;
            case string s:
                return s.Length > 0;
            case double d:
                return IsNumeric(d) && d != 0;
            case JObject o:
                return o.Count > 0;
            case bool b:
                return b;
            default:
                return false;
        }
    }

    public static bool Truthy(object? arg) => Boolean(arg) == true;

    public static int CodePointLength(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }

            n++;
        }

        return n;
    }

    public static List<string> CodePoints(string s)
    {
        var result = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                result.Add(s[i].ToString());
            }
        }

        return result;
    }
}

/// <summary>Number and JSON text exactly as JavaScript writes them.</summary>
internal static class JsText
{
    public static string NumberToString(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(d))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "-Infinity";
        }

        if (d == 0)
        {
            return "0";
        }

        if (Math.Abs(d) < 1e15 && d == Math.Floor(d))
        {
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }

        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        string digits;
        int n;
        var ePos = r.IndexOf('E', StringComparison.Ordinal);
        if (ePos >= 0)
        {
            var mant = r[..ePos];
            var exp = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            digits = mant.Replace(".", "", StringComparison.Ordinal);
            n = exp + 1;
        }
        else
        {
            var dot = r.IndexOf('.', StringComparison.Ordinal);
            var intPart = dot >= 0 ? r[..dot] : r;
            var frac = dot >= 0 ? r[(dot + 1)..] : "";
            if (intPart == "0")
            {
                var lz = 0;
                while (lz < frac.Length && frac[lz] == '0')
                {
                    lz++;
                }

                digits = frac[lz..];
                n = -lz;
            }
            else
            {
                digits = intPart + frac;
                n = intPart.Length;
            }
        }

        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var k = digits.Length;
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            var e = n - 1;
            sb.Append('e').Append(e >= 0 ? '+' : '-').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Number(x.toPrecision(15)).</summary>
    public static double ToPrecision15(double d)
    {
        if (d == 0 || double.IsNaN(d) || double.IsInfinity(d) || (Math.Abs(d) < 1e15 && d == Math.Floor(d)))
        {
            return d;
        }

        // a number whose shortest round-trip form has at most 15 significant digits is unchanged by the rounding
        Span<char> buf = stackalloc char[32];
        if (d.TryFormat(buf, out var written, "R", CultureInfo.InvariantCulture) && SignificantDigits(buf[..written]) <= 15)
        {
            return d;
        }

        return double.Parse(d.ToString("E14", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static int SignificantDigits(ReadOnlySpan<char> r)
    {
        var e = r.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            r = r[..e];
        }

        var first = -1;
        var last = -1;
        for (var i = 0; i < r.Length; i++)
        {
            if (r[i] is >= '1' and <= '9')
            {
                if (first < 0)
                {
                    first = i;
                }

                last = i;
            }
        }

        if (first < 0)
        {
            return 0;
        }

        var n = last - first + 1;
        var dot = r.IndexOf('.');
        if (dot > first && dot < last)
        {
            n--;
        }

        return n;
    }

    public static void QuoteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && !(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(s[i - 1])))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>
    /// JSON.stringify with JSONata's replacer: numbers to 15 significant digits, functions as "".
    /// Undefined members are skipped in objects and written as null in arrays.
    /// </summary>
    public static string Stringify(object? value, bool pretty, bool precision15 = true)
    {
        var sb = new StringBuilder();
        Write(sb, value, pretty, 0, precision15);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, bool pretty, int indent, bool p15)
    {
        switch (value)
        {
            case null:
            case JNull:
                sb.Append("null");
                break;
            case string s:
                QuoteString(sb, s);
                break;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    if (p15 && double.IsInfinity(d))
                    {
                        throw new JsonataException("D1001", null, d);
                    }

                    sb.Append("null");
                }
                else
                {
                    sb.Append(NumberToString(p15 ? ToPrecision15(d) : d));
                }

                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case JFunction:
                sb.Append("\"\"");
                break;
            case JList l:
            {
                if (l.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append('[');
                for (var i = 0; i < l.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    if (pretty)
                    {
                        sb.Append('\n').Append(' ', (indent + 1) * 2);
                    }

                    Write(sb, l[i], pretty, indent + 1, p15);
                }

                if (pretty)
                {
                    sb.Append('\n').Append(' ', indent * 2);
                }

                sb.Append(']');
                break;
            }

            case JObject o:
            {
                var first = true;
                sb.Append('{');
                foreach (var kv in o)
                {
                    if (kv.Value is null)
                    {
                        continue;
                    }

                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    if (pretty)
                    {
                        sb.Append('\n').Append(' ', (indent + 1) * 2);
                    }

                    QuoteString(sb, kv.Key);
                    sb.Append(':');
                    if (pretty)
                    {
                        sb.Append(' ');
                    }

                    Write(sb, kv.Value, pretty, indent + 1, p15);
                }

                if (pretty && !first)
                {
                    sb.Append('\n').Append(' ', indent * 2);
                }

                sb.Append('}');
                break;
            }

            default:
                sb.Append("{}");
                break;
        }
    }
}
