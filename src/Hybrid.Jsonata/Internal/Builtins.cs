using System.Globalization;
using System.Text;

namespace Hybrid.Jsonata.Internal;

/// <summary>The built-in function library (a port of the reference's functions.js).</summary>
internal static partial class Builtins
{
    private static readonly Dictionary<string, JFunction> Table = Build();

    public static object? Lookup(string name) => Table.TryGetValue(name, out var f) ? f : null;

    private static object? A(object?[] a, int i) => i < a.Length ? a[i] : null;

    private static Dictionary<string, JFunction> Build()
    {
        var t = new Dictionary<string, JFunction>(StringComparer.Ordinal);
        void Def(string name, int arity, string? sig, NativeImpl impl) => t[name] = new NativeFunction(name, arity, sig, impl).Init();

        Def("sum", 1, "<a<n>:n>", (object?[] a, in CallContext _) => Sum(A(a, 0)));
        Def("count", 1, "<a:n>", (object?[] a, in CallContext _) => A(a, 0) is JList l ? V.Num(l.Count) : V.Num(0));
        Def("max", 1, "<a<n>:n>", (object?[] a, in CallContext _) => MinMax(A(a, 0), true));
        Def("min", 1, "<a<n>:n>", (object?[] a, in CallContext _) => MinMax(A(a, 0), false));
        Def("average", 1, "<a<n>:n>", (object?[] a, in CallContext _) => Average(A(a, 0)));
        Def("string", 1, "<x-b?:s>", (object?[] a, in CallContext _) => A(a, 0) is null ? null : StringOf(A(a, 0), A(a, 1) is true));
        Def("substring", 3, "<s-nn?:s>", (object?[] a, in CallContext _) => Substring(A(a, 0) as string, A(a, 1), A(a, 2)));
        Def("substringBefore", 2, "<s-s:s>", (object?[] a, in CallContext _) => SubstringBefore(A(a, 0) as string, A(a, 1)));
        Def("substringAfter", 2, "<s-s:s>", (object?[] a, in CallContext _) => SubstringAfter(A(a, 0) as string, A(a, 1)));
        Def("lowercase", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? ToLower(s) : null);
        Def("uppercase", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? ToUpper(s) : null);
        Def("length", 1, "<s-:n>", (object?[] a, in CallContext _) => A(a, 0) is string s ? V.Num(V.CodePointLength(s)) : null);
        Def("trim", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? Trim(s) : null);
        Def("pad", 3, "<s-ns?:s>", (object?[] a, in CallContext _) => Pad(A(a, 0) as string, A(a, 1), A(a, 2) as string));
        Def("match", 3, "<s-f<s:o>n?:a<o>>", (object?[] a, in CallContext c) => Match(A(a, 0) as string, A(a, 1), A(a, 2), c.Env));
        Def("contains", 2, "<s-(sf):b>", (object?[] a, in CallContext c) => Contains(A(a, 0) as string, A(a, 1), c.Env));
        Def("replace", 4, "<s-(sf)(sf)n?:s>", (object?[] a, in CallContext c) => Replace(A(a, 0) as string, A(a, 1), A(a, 2), A(a, 3), c.Env));
        Def("split", 3, "<s-(sf)n?:a<s>>", (object?[] a, in CallContext c) => Split(A(a, 0) as string, A(a, 1), A(a, 2), c.Env));
        Def("join", 2, "<a<s>s?:s>", (object?[] a, in CallContext _) => Join(A(a, 0), A(a, 1) as string));
        Def("formatNumber", 3, "<n-so?:s>", (object?[] a, in CallContext _) => A(a, 0) is double d ? NumberFormatting.FormatNumber(d, (string)A(a, 1)!, A(a, 2) as JObject) : null);
        Def("formatBase", 2, "<n-n?:s>", (object?[] a, in CallContext _) => FormatBase(A(a, 0), A(a, 1)));
        Def("formatInteger", 2, "<n-s:s>", (object?[] a, in CallContext _) => A(a, 0) is double d ? IntegerFormatting.FormatInteger(d, (string)A(a, 1)!) : null);
        Def("parseInteger", 2, "<s-s:n>", (object?[] a, in CallContext _) => A(a, 0) is string s ? IntegerFormatting.ParseInteger(s, (string)A(a, 1)!) : null);
        Def("number", 1, "<(nsb)-:n>", (object?[] a, in CallContext _) => ToNumber(A(a, 0)));
        Def("floor", 1, "<n-:n>", (object?[] a, in CallContext _) => A(a, 0) is double d ? V.Num(Math.Floor(d)) : null);
        Def("ceil", 1, "<n-:n>", (object?[] a, in CallContext _) => A(a, 0) is double d ? V.Num(Math.Ceiling(d)) : null);
        Def("round", 2, "<n-n?:n>", (object?[] a, in CallContext _) => A(a, 0) is double d ? V.Num(Round(d, A(a, 1) is double p ? p : 0)) : null);
        Def("abs", 1, "<n-:n>", (object?[] a, in CallContext _) => A(a, 0) is double d ? V.Num(Math.Abs(d)) : null);
        Def("sqrt", 1, "<n-:n>", (object?[] a, in CallContext _) => Sqrt(A(a, 0)));
        Def("power", 2, "<n-n:n>", (object?[] a, in CallContext _) => Power(A(a, 0), A(a, 1)));
        Def("random", 0, "<:n>", (object?[] a, in CallContext c) => V.Num(c.Env.Ctx.Random()));
        Def("boolean", 1, "<x-:b>", (object?[] a, in CallContext _) => V.Boolean(A(a, 0)) is bool b ? V.Bool(b) : null);
        Def("not", 1, "<x-:b>", (object?[] a, in CallContext _) => A(a, 0) is null ? null : V.Bool(!V.Truthy(A(a, 0))));
        Def("map", 2, "<af>", (object?[] a, in CallContext c) => Map(A(a, 0) as JList, (JFunction)A(a, 1)!, c.Env));
        Def("zip", 0, "<a+>", (object?[] a, in CallContext _) => Zip(a));
        Def("filter", 2, "<af>", (object?[] a, in CallContext c) => FilterFn(A(a, 0) as JList, (JFunction)A(a, 1)!, c.Env));
        Def("single", 2, "<af?>", (object?[] a, in CallContext c) => Single(A(a, 0) as JList, A(a, 1) as JFunction, c.Env));
        Def("reduce", 3, "<afj?:j>", (object?[] a, in CallContext c) => FoldLeft(A(a, 0) as JList, (JFunction)A(a, 1)!, A(a, 2), c.Env));
        Def("sift", 2, "<o-f?:o>", (object?[] a, in CallContext c) => Sift(A(a, 0), A(a, 1) as JFunction, c.Env));
        Def("keys", 1, "<x-:a<s>>", (object?[] a, in CallContext _) => Keys(A(a, 0)));
        Def("lookup", 2, "<x-s:x>", (object?[] a, in CallContext _) => V.Lookup(A(a, 0), (A(a, 1) as string) ?? "undefined"));
        Def("append", 2, "<xx:a>", (object?[] a, in CallContext _) => V.Append(A(a, 0), A(a, 1)));
        Def("exists", 1, "<x:b>", (object?[] a, in CallContext _) => V.Bool(A(a, 0) is not null));
        Def("spread", 1, "<x-:a<o>>", (object?[] a, in CallContext _) => Spread(A(a, 0)));
        Def("merge", 1, "<a<o>:o>", (object?[] a, in CallContext _) => Merge(A(a, 0) as JList));
        Def("reverse", 1, "<a:a>", (object?[] a, in CallContext _) => Reverse(A(a, 0) as JList));
        Def("each", 2, "<o-f:a>", (object?[] a, in CallContext c) => Each(A(a, 0), (JFunction)A(a, 1)!, c.Env));
        Def("error", 1, "<s?:x>", (object?[] a, in CallContext _) =>
            throw new JsonataException("D3137") { Detail = A(a, 0) as string is { Length: > 0 } m ? m : "$error() function evaluated" });
        Def("assert", 2, "<bs?:x>", (object?[] a, in CallContext _) =>
        {
            if (!V.JsTruthy(A(a, 0)))
            {
                throw new JsonataException("D3141") { Detail = A(a, 1) as string is { Length: > 0 } m ? m : "$assert() statement failed" };
            }

            return null;
        });
        Def("type", 1, "<x:s>", (object?[] a, in CallContext _) => TypeOf(A(a, 0)));
        Def("sort", 2, "<af?:a>", (object?[] a, in CallContext c) => SortFn(A(a, 0) as JList, A(a, 1) as JFunction, c.Env));
        Def("shuffle", 1, "<a:a>", (object?[] a, in CallContext c) => Shuffle(A(a, 0) as JList, c.Env));
        Def("distinct", 1, "<x:x>", (object?[] a, in CallContext _) => Distinct(A(a, 0)));
        Def("base64encode", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? Base64Encode(s) : null);
        Def("base64decode", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? Base64Decode(s) : null);
        Def("encodeUrlComponent", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? UrlCoding.Encode(s, true, "encodeUrlComponent") : null);
        Def("encodeUrl", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? UrlCoding.Encode(s, false, "encodeUrl") : null);
        Def("decodeUrlComponent", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? UrlCoding.Decode(s, true, "decodeUrlComponent") : null);
        Def("decodeUrl", 1, "<s-:s>", (object?[] a, in CallContext _) => A(a, 0) is string s ? UrlCoding.Decode(s, false, "decodeUrl") : null);
        Def("eval", 2, "<sx?:x>", (object?[] a, in CallContext c) => Eval(A(a, 0), a.Length > 1, A(a, 1), c));
        Def("toMillis", 2, "<s-s?:n>", (object?[] a, in CallContext c) => A(a, 0) is string s ? DateTimeFunctions.ToMillis(s, A(a, 1) as string, c.Env.Ctx.Now) : null);
        Def("fromMillis", 3, "<n-s?s?:s>", (object?[] a, in CallContext _) => A(a, 0) is double d ? DateTimeFunctions.FromMillis(d, A(a, 1) as string, A(a, 2) as string) : null);
        Def("clone", 1, "<(oa)-:o>", (object?[] a, in CallContext _) => A(a, 0) is null ? null : Clone(A(a, 0) is JList { OuterWrapper: true } w ? w[0] : A(a, 0)));
        Def("now", 2, "<s?s?:s>", (object?[] a, in CallContext c) =>
            DateTimeFunctions.FromMillis(c.Env.Ctx.Now.ToUnixTimeMilliseconds(), A(a, 0) as string, A(a, 1) as string));
        Def("millis", 0, "<:n>", (object?[] a, in CallContext c) => V.Num(c.Env.Ctx.Now.ToUnixTimeMilliseconds()));
        return t;
    }

    // ---- aggregation

    private static object? Sum(object? arg)
    {
        if (arg is not JList l)
        {
            return null;
        }

        var total = 0.0;
        foreach (var n in l)
        {
            total += (double)n!;
        }

        return V.Num(total);
    }

    private static object? MinMax(object? arg, bool max)
    {
        if (arg is not JList { Count: > 0 } l)
        {
            return null;
        }

        var r = max ? double.NegativeInfinity : double.PositiveInfinity;
        foreach (var n in l)
        {
            var d = (double)n!;
            r = max ? Math.Max(r, d) : Math.Min(r, d);
        }

        return V.Num(r);
    }

    private static object? Average(object? arg)
    {
        if (arg is not JList { Count: > 0 } l)
        {
            return null;
        }

        var total = 0.0;
        foreach (var n in l)
        {
            total += (double)n!;
        }

        return V.Num(total / l.Count);
    }

    // ---- strings

    public static string StringOf(object? arg, bool prettify)
    {
        switch (arg)
        {
            case string s:
                return s;
            case JFunction:
                return "";
            case double d when double.IsNaN(d) || double.IsInfinity(d):
                throw new JsonataException("D3001", null, d);
            case JList { OuterWrapper: true } w:
                return JsText.Stringify(w[0], prettify);
            default:
                return JsText.Stringify(arg, prettify);
        }
    }

    // String.prototype.toUpperCase applies Unicode's unconditional special casing (ß -> SS, ligatures, ...), which
    // .NET's invariant casing does not; these are the mappings that change a string's length.
    private static readonly Dictionary<char, string> SpecialUpper = new()
    {
        ['\u00DF'] = "SS", ['\u0149'] = "\u02BCN", ['\u01F0'] = "J\u030C", ['\u0390'] = "\u0399\u0308\u0301",
        ['\u03B0'] = "\u03A5\u0308\u0301", ['\u0587'] = "\u0535\u0552", ['\u1E96'] = "H\u0331", ['\u1E97'] = "T\u0308",
        ['\u1E98'] = "W\u030A", ['\u1E99'] = "Y\u030A", ['\u1E9A'] = "A\u02BE", ['\uFB00'] = "FF", ['\uFB01'] = "FI",
        ['\uFB02'] = "FL", ['\uFB03'] = "FFI", ['\uFB04'] = "FFL", ['\uFB05'] = "ST", ['\uFB06'] = "ST",
        ['\uFB13'] = "\u0544\u0546", ['\uFB14'] = "\u0544\u0535", ['\uFB15'] = "\u0544\u053B", ['\uFB16'] = "\u054E\u0546",
        ['\uFB17'] = "\u0544\u053D",
    };

    private static string ToUpper(string s)
    {
        var upper = s.ToUpperInvariant();
        if (upper.AsSpan().IndexOfAny(SpecialUpperKeys) < 0)
        {
            return upper;
        }

        var sb = new StringBuilder(upper.Length + 4);
        foreach (var c in upper)
        {
            if (SpecialUpper.TryGetValue(c, out var mapped))
            {
                sb.Append(mapped);
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> SpecialUpperKeys = System.Buffers.SearchValues.Create([.. SpecialUpper.Keys]);

    // toLowerCase: İ becomes i + combining dot above, and a capital sigma that ends a word becomes a final sigma.
    private static string ToLower(string s)
    {
        var lower = s.ToLowerInvariant();
        if (!s.Contains('\u0130', StringComparison.Ordinal) && !s.Contains('\u03A3', StringComparison.Ordinal))
        {
            return lower;
        }

        var sb = new StringBuilder(lower.Length + 2);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\u0130')
            {
                sb.Append("i\u0307");
            }
            else if (c == '\u03A3')
            {
                var before = i > 0 && char.IsLetter(s[i - 1]);
                var after = i + 1 < s.Length && char.IsLetter(s[i + 1]);
                sb.Append(before && !after ? '\u03C2' : '\u03C3');
            }
            else
            {
                sb.Append(lower[i]);
            }
        }

        return sb.ToString();
    }

    private static string JsSlice(List<string> arr, double start, double? end)
    {
        var len = arr.Count;
        var s = double.IsNegative(start) ? Math.Max(len + Math.Truncate(start), 0) : Math.Min(Math.Truncate(start), len);
        double e = len;
        if (end is double ev)
        {
            e = ev < 0 ? Math.Max(len + Math.Truncate(ev), 0) : Math.Min(Math.Truncate(ev), len);
        }

        if (e <= s)
        {
            return "";
        }

        var sb = new StringBuilder();
        for (var i = (int)s; i < (int)e; i++)
        {
            sb.Append(arr[i]);
        }

        return sb.ToString();
    }

    private static string? Substring(string? str, object? startArg, object? lengthArg)
    {
        if (str is null)
        {
            return null;
        }

        var strArray = V.CodePoints(str);
        var strLength = strArray.Count;
        var start = startArg is double sd ? sd : double.NaN;
        if (double.IsNaN(start))
        {
            start = 0;
        }

        if (strLength + start < 0)
        {
            start = 0;
        }

        if (lengthArg is double length)
        {
            if (length <= 0)
            {
                return "";
            }

            var end = start >= 0 ? start + length : strLength + start + length;
            return JsSlice(strArray, start, end);
        }

        return JsSlice(strArray, start, null);
    }

    private static string? SubstringBefore(string? str, object? chars)
    {
        if (str is null)
        {
            return null;
        }

        var c = chars as string ?? "undefined";
        var pos = str.IndexOf(c, StringComparison.Ordinal);
        return pos > -1 ? str[..pos] : str;
    }

    private static string? SubstringAfter(string? str, object? chars)
    {
        if (str is null)
        {
            return null;
        }

        var c = chars as string ?? "undefined";
        var pos = str.IndexOf(c, StringComparison.Ordinal);
        return pos > -1 ? str[(pos + c.Length)..] : str;
    }

    private static string Trim(string str)
    {
        var sb = new StringBuilder(str.Length);
        var inWs = false;
        foreach (var ch in str)
        {
            if (ch is ' ' or '\t' or '\n' or '\r')
            {
                if (!inWs)
                {
                    sb.Append(' ');
                    inWs = true;
                }
            }
            else
            {
                sb.Append(ch);
                inWs = false;
            }
        }

        var result = sb.ToString();
        if (result.StartsWith(' '))
        {
            result = result[1..];
        }

        if (result.EndsWith(' '))
        {
            result = result[..^1];
        }

        return result;
    }

    private static string? Pad(string? str, object? widthArg, string? ch)
    {
        if (str is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(ch))
        {
            ch = " ";
        }

        var width = widthArg is double w ? w : 0;
        var padLength = (int)(Math.Abs(width) - V.CodePointLength(str));
        if (padLength > 0)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < padLength; i++)
            {
                sb.Append(ch);
            }

            var padding = sb.ToString();
            if (ch.Length > 1)
            {
                padding = Substring(padding, 0.0, (double)padLength)!;
            }

            return width > 0 ? str + padding : padding + str;
        }

        return str;
    }

    private static JObject? EvaluateMatcher(JFunction matcher, string? str, Frame env)
    {
        var result = Evaluator.Apply(matcher, str is null ? [] : [str], null, env);
        if (result is null)
        {
            return null;
        }

        if (result is JObject o && (o.GetValueOrDefault("start") is double || o.GetValueOrDefault("groups") is JList
            || o.GetValueOrDefault("next") is JFunction))
        {
            return o;
        }

        throw new JsonataException("T1010");
    }

    private static JObject? NextMatch(JObject matches, Frame env)
    {
        if (matches.GetValueOrDefault("next") is not JFunction next)
        {
            return null;
        }

        var result = Evaluator.Apply(next, [], null, env);
        if (result is null)
        {
            return null;
        }

        if (result is JObject o && (o.GetValueOrDefault("start") is double || o.GetValueOrDefault("groups") is JList
            || o.GetValueOrDefault("next") is JFunction))
        {
            return o;
        }

        throw new JsonataException("T1010");
    }

    private static object? Contains(string? str, object? token, Frame env)
    {
        if (str is null)
        {
            return null;
        }

        if (token is string s)
        {
            return V.Bool(str.Contains(s, StringComparison.Ordinal));
        }

        var matches = EvaluateMatcher((JFunction)token!, str, env);
        return V.Bool(matches is not null);
    }

    private static object? Match(string? str, object? regex, object? limitArg, Frame env)
    {
        if (str is null)
        {
            return null;
        }

        var limit = limitArg as double?;
        if (limit < 0)
        {
            throw new JsonataException("D3040", null, limit) { Index = 3 };
        }

        var result = JList.Seq();
        if (limit is null || limit > 0)
        {
            var count = 0;
            var matches = EvaluateMatcher((JFunction)regex!, str, env);
            while (matches is not null && (limit is null || count < limit))
            {
                result.Add(new JObject
                {
                    ["match"] = matches.GetValueOrDefault("match"),
                    ["index"] = matches.GetValueOrDefault("start"),
                    ["groups"] = matches.GetValueOrDefault("groups"),
                });
                matches = NextMatch(matches, env);
                count++;
            }
        }

        return result;
    }

    private static string SubstituteDollars(string replacement, JObject regexMatch)
    {
        var groups = regexMatch.GetValueOrDefault("groups") as JList ?? [];
        var substitute = new StringBuilder();
        var position = 0;
        var index = replacement.IndexOf('$', position);
        while (index != -1 && position < replacement.Length)
        {
            substitute.Append(replacement, position, index - position);
            position = index + 1;
            var dollarVal = position < replacement.Length ? replacement[position] : '\0';
            if (dollarVal == '$')
            {
                substitute.Append('$');
                position++;
            }
            else if (dollarVal == '0')
            {
                substitute.Append(regexMatch.GetValueOrDefault("match") as string);
                position++;
            }
            else
            {
                int maxDigits;
                if (groups.Count == 0)
                {
                    maxDigits = 1;
                }
                else
                {
                    maxDigits = (int)Math.Floor(Math.Log(groups.Count) * (1 / Math.Log(10))) + 1;
                }

                var idx = ParseIntPrefix(replacement, position, maxDigits);
                if (maxDigits > 1 && idx > groups.Count)
                {
                    idx = ParseIntPrefix(replacement, position, maxDigits - 1);
                }

                if (idx is int gi)
                {
                    if (groups.Count > 0)
                    {
                        var submatch = gi - 1 >= 0 && gi - 1 < groups.Count ? groups[gi - 1] : null;
                        if (submatch is string sm)
                        {
                            substitute.Append(sm);
                        }
                    }

                    position += gi.ToString(CultureInfo.InvariantCulture).Length;
                }
                else
                {
                    substitute.Append('$');
                }
            }

            index = replacement.IndexOf('$', position);
        }

        substitute.Append(replacement, position, replacement.Length - position);
        return substitute.ToString();
    }

    // parseInt(str.substring(pos, pos + n), 10)
    private static int? ParseIntPrefix(string s, int pos, int n)
    {
        var end = Math.Min(s.Length, pos + n);
        var i = pos;
        var value = 0;
        var any = false;
        while (i < end && s[i] is >= '0' and <= '9')
        {
            value = (value * 10) + (s[i] - '0');
            any = true;
            i++;
        }

        return any ? value : null;
    }

    private static object? Replace(string? str, object? pattern, object? replacement, object? limitArg, Frame env)
    {
        if (str is null)
        {
            return null;
        }

        if (pattern is "")
        {
            throw new JsonataException("D3010", null, pattern) { Index = 2 };
        }

        var limit = limitArg as double?;
        if (limit < 0)
        {
            throw new JsonataException("D3011", null, limit) { Index = 4 };
        }

        if (!(limit is null || limit > 0))
        {
            return str;
        }

        var result = new StringBuilder();
        var position = 0;
        var count = 0;
        if (pattern is string ps)
        {
            var repl = replacement as string ?? "";
            var index = str.IndexOf(ps, position, StringComparison.Ordinal);
            while (index != -1 && (limit is null || count < limit))
            {
                result.Append(str, position, index - position);
                result.Append(repl);
                position = index + ps.Length;
                count++;
                index = str.IndexOf(ps, position, StringComparison.Ordinal);
            }

            result.Append(str, position, str.Length - position);
            return result.ToString();
        }

        var matches = EvaluateMatcher((JFunction)pattern!, str, env);
        if (matches is null)
        {
            return str;
        }

        while (matches is not null && (limit is null || count < limit))
        {
            var start = (int)(double)matches["start"]!;
            result.Append(str, position, start - position);
            object? replacedWith;
            if (replacement is string rs)
            {
                replacedWith = SubstituteDollars(rs, matches);
            }
            else
            {
                replacedWith = Evaluator.Apply((JFunction)replacement!, [matches], null, env);
            }

            if (replacedWith is string rw)
            {
                result.Append(rw);
            }
            else
            {
                throw new JsonataException("D3012", null, replacedWith);
            }

            position = start + ((string)matches["match"]!).Length;
            count++;
            matches = NextMatch(matches, env);
        }

        result.Append(str, position, str.Length - position);
        return result.ToString();
    }

    private static object? Split(string? str, object? separator, object? limitArg, Frame env)
    {
        if (str is null)
        {
            return null;
        }

        var limit = limitArg as double?;
        if (limit < 0)
        {
            throw new JsonataException("D3020", null, limit) { Index = 3 };
        }

        var result = new JList();
        if (!(limit is null || limit > 0))
        {
            return result;
        }

        if (separator is string sep)
        {
            var max = limit is null ? int.MaxValue : (int)limit.Value;
            if (sep.Length == 0)
            {
                for (var i = 0; i < str.Length && result.Count < max; i++)
                {
                    result.Add(str[i].ToString());
                }

                return result;
            }

            var pos = 0;
            while (result.Count < max)
            {
                var idx = str.IndexOf(sep, pos, StringComparison.Ordinal);
                if (idx < 0)
                {
                    result.Add(str[pos..]);
                    break;
                }

                result.Add(str[pos..idx]);
                pos = idx + sep.Length;
            }

            return result;
        }

        var count = 0;
        var matches = EvaluateMatcher((JFunction)separator!, str, env);
        if (matches is not null)
        {
            var start = 0;
            while (matches is not null && (limit is null || count < limit))
            {
                var ms = (int)(double)matches["start"]!;
                result.Add(str[start..ms]);
                start = (int)(double)matches["end"]!;
                matches = NextMatch(matches, env);
                count++;
            }

            if (limit is null || count < limit)
            {
                result.Add(str[start..]);
            }
        }
        else
        {
            result.Add(str);
        }

        return result;
    }

    private static object? Join(object? strs, string? separator)
    {
        if (strs is not JList l)
        {
            return null;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < l.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(separator ?? "");
            }

            sb.Append((string?)l[i]);
        }

        return sb.ToString();
    }

    private static object? FormatBase(object? valueArg, object? radixArg)
    {
        if (valueArg is not double v)
        {
            return null;
        }

        var value = Round(v, 0);
        var radix = radixArg is double r ? Round(r, 0) : 10;
        if (radix < 2 || radix > 36)
        {
            throw new JsonataException("D3100", null, radix);
        }

        return ToRadix(value, (int)radix);
    }

    internal static string ToRadix(double value, int radix)
    {
        if (radix == 10)
        {
            return JsText.NumberToString(value);
        }

        var negative = value < 0;
        var n = (ulong)Math.Abs(value);
        if (n == 0)
        {
            return "0";
        }

        var sb = new StringBuilder();
        while (n > 0)
        {
            var digit = (int)(n % (ulong)radix);
            sb.Insert(0, (char)(digit < 10 ? '0' + digit : 'a' + digit - 10));
            n /= (ulong)radix;
        }

        if (negative)
        {
            sb.Insert(0, '-');
        }

        return sb.ToString();
    }

    // ---- numbers

    private static object? ToNumber(object? arg)
    {
        switch (arg)
        {
            case null:
                return null;
            case double:
                return arg;
            case bool b:
                return V.Num(b ? 1 : 0);
            case string s:
                if (IsDecimalNumber(s))
                {
                    var d = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (!double.IsInfinity(d))
                    {
                        return V.Num(d);
                    }
                }
                else if (s.Length > 2 && s[0] == '0' && s[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
                {
                    var radix = s[1] is 'x' or 'X' ? 16 : s[1] is 'o' or 'O' ? 8 : 2;
                    double value = 0;
                    var ok = true;
                    for (var i = 2; i < s.Length; i++)
                    {
                        var c = char.ToLowerInvariant(s[i]);
                        var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : 99;
                        if (digit >= radix)
                        {
                            ok = false;
                            break;
                        }

                        value = (value * radix) + digit;
                    }

                    if (ok)
                    {
                        return V.Num(value);
                    }
                }

                throw new JsonataException("D3030", null, arg) { Index = 1 };
            default:
                throw new JsonataException("D3030", null, arg) { Index = 1 };
        }
    }

    // /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/
    private static bool IsDecimalNumber(string s)
    {
        var i = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i == start)
        {
            return false;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fs = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == fs)
            {
                return false;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var es = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == es)
            {
                return false;
            }
        }

        return i == s.Length;
    }

    private static double JsMathRound(double x)
    {
        var r = Math.Floor(x);
        if (x - r >= 0.5)
        {
            r += 1;
        }

        return r;
    }

    private static double ShiftDecimal(double value, double shift)
    {
        var text = JsText.NumberToString(value);
        var parts = text.Split('e');
        var exp = parts.Length > 1 ? double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture) + shift : shift;
        return double.Parse(parts[0] + "e" + JsText.NumberToString(exp), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static double Round(double arg, double precision)
    {
        if (precision != 0)
        {
            arg = ShiftDecimal(arg, precision);
        }

        var result = JsMathRound(arg);
        var diff = result - arg;
        if (Math.Abs(diff) == 0.5 && Math.Abs(result % 2) == 1)
        {
            result -= 1;
        }

        if (precision != 0)
        {
            result = ShiftDecimal(result, -precision);
        }

        if (result == 0)
        {
            result = 0;
        }

        return result;
    }

    private static object? Sqrt(object? arg)
    {
        if (arg is not double d)
        {
            return null;
        }

        if (d < 0)
        {
            throw new JsonataException("D3060", null, d) { Index = 1 };
        }

        return V.Num(Math.Sqrt(d));
    }

    private static object? Power(object? arg, object? exp)
    {
        if (arg is not double d)
        {
            return null;
        }

        var e = exp is double ed ? ed : double.NaN;
        var result = Math.Pow(d, e);
        if (double.IsNaN(result) || double.IsInfinity(result))
        {
            throw new JsonataException("D3061", null, d) { Index = 1, Value2 = exp };
        }

        return V.Num(result);
    }

    // ---- higher-order functions

    private static object?[] HofArgs(JFunction func, object? arg1, object? arg2, object? arg3)
    {
        var length = func.Arity;
        if (length >= 3)
        {
            return [arg1, arg2, arg3];
        }

        if (length >= 2)
        {
            return [arg1, arg2];
        }

        return [arg1];
    }

    private static object? Map(JList? arr, JFunction func, Frame env)
    {
        if (arr is null)
        {
            return null;
        }

        var result = JList.Seq();
        for (var i = 0; i < arr.Count; i++)
        {
            var res = Evaluator.Apply(func, HofArgs(func, arr[i], V.Num(i), arr), null, env);
            if (res is not null)
            {
                result.Add(res);
            }
        }

        return result;
    }

    private static object? FilterFn(JList? arr, JFunction func, Frame env)
    {
        if (arr is null)
        {
            return null;
        }

        var result = JList.Seq();
        for (var i = 0; i < arr.Count; i++)
        {
            var entry = arr[i];
            var res = Evaluator.Apply(func, HofArgs(func, entry, V.Num(i), arr), null, env);
            if (V.Truthy(res))
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private static object? Single(JList? arr, JFunction? func, Frame env)
    {
        if (arr is null)
        {
            return null;
        }

        var hasFoundMatch = false;
        object? result = null;
        for (var i = 0; i < arr.Count; i++)
        {
            var entry = arr[i];
            var positive = true;
            if (func is not null)
            {
                var res = Evaluator.Apply(func, HofArgs(func, entry, V.Num(i), arr), null, env);
                positive = V.Truthy(res);
            }

            if (positive)
            {
                if (!hasFoundMatch)
                {
                    result = entry;
                    hasFoundMatch = true;
                }
                else
                {
                    throw new JsonataException("D3138") { Index = i };
                }
            }
        }

        if (!hasFoundMatch)
        {
            throw new JsonataException("D3139");
        }

        return result;
    }

    private static object? Zip(object?[] args)
    {
        var result = new JList();
        if (args.Length == 0)
        {
            return result;
        }

        var length = int.MaxValue;
        foreach (var a in args)
        {
            length = Math.Min(length, a is JList l ? l.Count : 0);
        }

        for (var i = 0; i < length; i++)
        {
            var tuple = new JList(args.Length);
            foreach (var a in args)
            {
                tuple.Add(((JList)a!)[i]);
            }

            result.Add(tuple);
        }

        return result;
    }

    private static object? FoldLeft(JList? sequence, JFunction func, object? init, Frame env)
    {
        if (sequence is null)
        {
            return null;
        }

        var arity = func.Arity;
        if (arity < 2)
        {
            throw new JsonataException("D3050") { Index = 1 };
        }

        object? result;
        int index;
        if (init is null && sequence.Count > 0)
        {
            result = sequence[0];
            index = 1;
        }
        else
        {
            result = init;
            index = 0;
        }

        while (index < sequence.Count)
        {
            object?[] args = arity >= 4 ? [result, sequence[index], V.Num(index), sequence]
                : arity >= 3 ? [result, sequence[index], V.Num(index)]
                : [result, sequence[index]];
            result = Evaluator.Apply(func, args, null, env);
            index++;
        }

        return result;
    }

    private static object? Sift(object? arg, JFunction? func, Frame env)
    {
        if (arg is not JObject obj || func is null)
        {
            return null;
        }

        var result = new JObject();
        foreach (var kv in obj)
        {
            var res = Evaluator.Apply(func, HofArgs(func, kv.Value, kv.Key, obj), null, env);
            if (V.Truthy(res))
            {
                result[kv.Key] = kv.Value;
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static object? Each(object? arg, JFunction func, Frame env)
    {
        var result = JList.Seq();
        if (arg is JObject obj)
        {
            foreach (var kv in obj)
            {
                var val = Evaluator.Apply(func, HofArgs(func, kv.Value, kv.Key, obj), null, env);
                if (val is not null)
                {
                    result.Add(val);
                }
            }
        }

        return result;
    }

    private static JList Keys(object? arg)
    {
        var result = JList.Seq();
        if (arg is JList l)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in l)
            {
                foreach (var k in Keys(item))
                {
                    if (seen.Add((string)k!))
                    {
                        result.Add(k);
                    }
                }
            }
        }
        else if (arg is JObject o)
        {
            foreach (var k in o.Keys)
            {
                result.Add(k);
            }
        }

        return result;
    }

    private static object? Spread(object? arg)
    {
        if (arg is JList l)
        {
            object? result = JList.Seq();
            foreach (var item in l)
            {
                result = V.Append(result, Spread(item));
            }

            return result;
        }

        if (arg is JObject o)
        {
            var result = JList.Seq();
            foreach (var kv in o)
            {
                result.Add(new JObject { [kv.Key] = kv.Value });
            }

            return result;
        }

        return arg;
    }

    private static object? Merge(JList? arg)
    {
        if (arg is null)
        {
            return null;
        }

        var result = new JObject();
        foreach (var obj in arg)
        {
            if (obj is JObject o)
            {
                foreach (var kv in o)
                {
                    result[kv.Key] = kv.Value;
                }
            }
        }

        return result;
    }

    private static object? Reverse(JList? arr)
    {
        if (arr is null)
        {
            return null;
        }

        if (arr.Count <= 1)
        {
            return arr;
        }

        var result = new JList(arr.Count);
        for (var i = arr.Count - 1; i >= 0; i--)
        {
            result.Add(arr[i]);
        }

        return result;
    }

    private static object? TypeOf(object? value) => value switch
    {
        null => null,
        JNull => "null",
        double => V.IsNumeric(value) ? "number" : "object", // the reference's typeof chain calls NaN an object
        string => "string",
        bool => "boolean",
        JList => "array",
        JFunction => "function",
        _ => "object",
    };

    private static object? SortFn(JList? arr, JFunction? comparator, Frame env)
    {
        if (arr is null)
        {
            return null;
        }

        if (arr.Count <= 1)
        {
            return arr;
        }

        Func<object?, object?, bool> comp;
        if (comparator is null)
        {
            if (V.IsArrayOfNumbers(arr))
            {
                comp = (a, b) => (double)a! > (double)b!;
            }
            else if (V.IsArrayOfStrings(arr))
            {
                comp = (a, b) => string.CompareOrdinal((string)a!, (string)b!) > 0;
            }
            else
            {
                throw new JsonataException("D3070") { Index = 1 };
            }
        }
        else
        {
            comp = (a, b) => V.JsTruthy(Evaluator.Apply(comparator, [a, b], null, env));
        }

        return new JList(Evaluator.MergeSort(arr, comp));
    }

    private static object? Shuffle(JList? arr, Frame env)
    {
        if (arr is null)
        {
            return null;
        }

        if (arr.Count <= 1)
        {
            return arr;
        }

        var result = new object?[arr.Count];
        for (var i = 0; i < arr.Count; i++)
        {
            var j = (int)Math.Floor(env.Ctx.Random() * (i + 1));
            if (i != j)
            {
                result[i] = result[j];
            }

            result[j] = arr[i];
        }

        return new JList(result);
    }

    private static object? Distinct(object? arg)
    {
        if (arg is not JList arr || arr.Count <= 1)
        {
            return arg;
        }

        var results = new JList { Sequence = arr.Sequence };
        foreach (var value in arr)
        {
            var includes = false;
            foreach (var r in results)
            {
                if (V.DeepEquals(value, r))
                {
                    includes = true;
                    break;
                }
            }

            if (!includes)
            {
                results.Add(value);
            }
        }

        return results;
    }

    private static string Base64Encode(string s)
    {
        var bytes = new byte[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            bytes[i] = (byte)s[i];
        }

        return Convert.ToBase64String(bytes);
    }

    private static string Base64Decode(string s)
    {
        var clean = new StringBuilder();
        foreach (var c in s)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                clean.Append(c);
            }
            else if (c is '-')
            {
                clean.Append('+');
            }
            else if (c is '_')
            {
                clean.Append('/');
            }
        }

        while (clean.Length % 4 != 0)
        {
            if (clean.Length % 4 == 1)
            {
                clean.Length--;
                continue;
            }

            clean.Append('=');
        }

        var bytes = Convert.FromBase64String(clean.ToString());
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append((char)b);
        }

        return sb.ToString();
    }

    private static object? Eval(object? expr, bool hasFocus, object? focus, in CallContext call)
    {
        if (expr is not string text)
        {
            return null;
        }

        var input = call.Input;
        if (hasFocus && focus is not null)
        {
            input = focus;
            if (input is JList { Sequence: false } l)
            {
                input = new JList { l };
                ((JList)input).Sequence = true;
                ((JList)input).OuterWrapper = true;
            }
        }

        Node node;
        try
        {
            node = Compiler.Compile(Parser.Parse(text));
        }
        catch (JsonataException e)
        {
            throw new JsonataException("D3120", null, e.Message);
        }

        try
        {
            return node.Eval(input, call.Env);
        }
        catch (JsonataException e)
        {
            throw new JsonataException("D3121", null, e.Message);
        }
    }

    /// <summary>$clone: JSON.parse(fn.string(arg)).</summary>
    internal static object? Clone(object? arg)
    {
        switch (arg)
        {
            case double d:
                return V.Num(JsText.ToPrecision15(d));
            case JFunction:
                return "";
            case JList l:
            {
                var r = new JList(l.Count);
                foreach (var item in l)
                {
                    r.Add(item is null ? JNull.Instance : Clone(item));
                }

                return r;
            }

            case JObject o:
            {
                var r = new JObject(o.Count);
                foreach (var kv in o)
                {
                    if (kv.Value is not null)
                    {
                        r[kv.Key] = Clone(kv.Value);
                    }
                }

                return r;
            }

            default:
                return arg;
        }
    }

    internal static object? CallHost(HostFunction host, object?[] args, object? input)
    {
        var list = new JsonataValue[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            list[i] = Convert2.ToPublic(args[i]);
        }

        var result = host.Impl(list);
        return Convert2.FromPublic(result);
    }
}
