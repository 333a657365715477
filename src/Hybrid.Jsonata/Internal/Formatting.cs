using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hybrid.Jsonata.Internal;

/// <summary>$formatNumber: XPath F&amp;O fn:format-number, as the reference implements it.</summary>
internal static class NumberFormatting
{
    private sealed class Parts
    {
        public string Prefix = "";
        public string Suffix = "";
        public string ActivePart = "";
        public string MantissaPart = "";
        public string? ExponentPart;
        public string IntegerPart = "";
        public string FractionalPart = "";
        public string Subpicture = "";
    }

    private sealed class Pic
    {
        public List<int> IntegerPartGroupingPositions = [];
        public int RegularGrouping;
        public int MinimumIntegerPartSize;
        public int ScalingFactor;
        public string Prefix = "";
        public List<int> FractionalPartGroupingPositions = [];
        public int MinimumFactionalPartSize;
        public int MaximumFactionalPartSize;
        public int MinimumExponentSize;
        public string Suffix = "";
        public string Picture = "";
    }

    private sealed record Analysis(Dictionary<string, string> Properties, List<string> DecimalDigitFamily, List<Pic> Variables);

    // analyses of pictures formatted with the default properties, shared (read-only) between evaluations
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Analysis> Cache = new(StringComparer.Ordinal);

    public static string FormatNumber(double value, string picture, JObject? options)
    {
        Analysis? analysis;
        if (options is null)
        {
            if (!Cache.TryGetValue(picture, out analysis))
            {
                analysis = Analyse(picture, null);
                if (Cache.Count < 256)
                {
                    Cache[picture] = analysis;
                }
            }
        }
        else
        {
            analysis = Analyse(picture, options);
        }

        return Format(value, analysis);
    }

    private static Analysis Analyse(string picture, JObject? options)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["decimal-separator"] = ".",
            ["grouping-separator"] = ",",
            ["exponent-separator"] = "e",
            ["infinity"] = "Infinity",
            ["minus-sign"] = "-",
            ["NaN"] = "NaN",
            ["percent"] = "%",
            ["per-mille"] = "\u2030",
            ["zero-digit"] = "0",
            ["digit"] = "#",
            ["pattern-separator"] = ";",
        };
        if (options is not null)
        {
            foreach (var kv in options)
            {
                properties[kv.Key] = kv.Value as string ?? Builtins.StringOf(kv.Value, false);
            }
        }

        var decimalDigitFamily = new List<string>();
        var zeroCharCode = properties["zero-digit"][0];
        for (var ii = zeroCharCode; ii < zeroCharCode + 10; ii++)
        {
            decimalDigitFamily.Add(((char)ii).ToString());
        }

        var activeChars = new List<string>(decimalDigitFamily)
        {
            properties["decimal-separator"], properties["exponent-separator"], properties["grouping-separator"],
            properties["digit"], properties["pattern-separator"],
        };
        var decimalSep = properties["decimal-separator"];
        var groupSep = properties["grouping-separator"];
        var expSep = properties["exponent-separator"];
        var digitChar = properties["digit"];
        var percent = properties["percent"];
        var perMille = properties["per-mille"];

        var subPictures = picture.Split(properties["pattern-separator"]);
        if (subPictures.Length > 2)
        {
            throw new JsonataException("D3080");
        }

        bool IsActive(char ch) => activeChars.Contains(ch.ToString());
        bool IsDigitFamily(char ch) => decimalDigitFamily.Contains(ch.ToString());

        Parts SplitParts(string subpicture)
        {
            string? prefix = null;
            for (var ii = 0; ii < subpicture.Length; ii++)
            {
                var ch = subpicture[ii];
                if (IsActive(ch) && ch.ToString() != expSep)
                {
                    prefix = subpicture[..ii];
                    break;
                }
            }

            string? suffix = null;
            for (var ii = subpicture.Length - 1; ii >= 0; ii--)
            {
                var ch = subpicture[ii];
                if (IsActive(ch) && ch.ToString() != expSep)
                {
                    suffix = subpicture[(ii + 1)..];
                    break;
                }
            }

            prefix ??= "";
            suffix ??= "";
            var activePart = subpicture.Length - suffix.Length >= prefix.Length
                ? subpicture[prefix.Length..(subpicture.Length - suffix.Length)]
                : "";
            string mantissaPart;
            string? exponentPart;
            var exponentPosition = subpicture.IndexOf(expSep, prefix.Length, StringComparison.Ordinal);
            if (exponentPosition == -1 || exponentPosition > subpicture.Length - suffix.Length)
            {
                mantissaPart = activePart;
                exponentPart = null;
            }
            else
            {
                mantissaPart = JsSubstring(activePart, 0, exponentPosition);
                exponentPart = JsSubstring(activePart, exponentPosition + 1, activePart.Length);
            }

            string integerPart;
            string fractionalPart;
            var decimalPosition = mantissaPart.IndexOf(decimalSep, StringComparison.Ordinal);
            if (decimalPosition == -1)
            {
                integerPart = mantissaPart;
                fractionalPart = suffix;
            }
            else
            {
                integerPart = mantissaPart[..decimalPosition];
                fractionalPart = mantissaPart[(decimalPosition + 1)..];
            }

            return new Parts
            {
                Prefix = prefix,
                Suffix = suffix,
                ActivePart = activePart,
                MantissaPart = mantissaPart,
                ExponentPart = exponentPart,
                IntegerPart = integerPart,
                FractionalPart = fractionalPart,
                Subpicture = subpicture,
            };
        }

        void Validate(Parts parts)
        {
            string? error = null;
            var subpicture = parts.Subpicture;
            var decimalPos = subpicture.IndexOf(decimalSep, StringComparison.Ordinal);
            if (decimalPos != subpicture.LastIndexOf(decimalSep, StringComparison.Ordinal))
            {
                error = "D3081";
            }

            if (subpicture.IndexOf(percent, StringComparison.Ordinal) != subpicture.LastIndexOf(percent, StringComparison.Ordinal))
            {
                error = "D3082";
            }

            if (subpicture.IndexOf(perMille, StringComparison.Ordinal) != subpicture.LastIndexOf(perMille, StringComparison.Ordinal))
            {
                error = "D3083";
            }

            if (subpicture.Contains(percent, StringComparison.Ordinal) && subpicture.Contains(perMille, StringComparison.Ordinal))
            {
                error = "D3084";
            }

            var valid = false;
            foreach (var ch in parts.MantissaPart)
            {
                if (IsDigitFamily(ch) || ch.ToString() == digitChar)
                {
                    valid = true;
                    break;
                }
            }

            if (!valid)
            {
                error = "D3085";
            }

            foreach (var ch in parts.ActivePart)
            {
                if (!IsActive(ch))
                {
                    error = "D3086";
                    break;
                }
            }

            if (decimalPos != -1)
            {
                if (CharAt(subpicture, decimalPos - 1) == groupSep || CharAt(subpicture, decimalPos + 1) == groupSep)
                {
                    error = "D3087";
                }
            }
            else if (parts.IntegerPart.Length > 0 && parts.IntegerPart[^1].ToString() == groupSep)
            {
                error = "D3088";
            }

            if (subpicture.Contains(groupSep + groupSep, StringComparison.Ordinal))
            {
                error = "D3089";
            }

            var optionalDigitPos = parts.IntegerPart.IndexOf(digitChar, StringComparison.Ordinal);
            if (optionalDigitPos != -1)
            {
                foreach (var ch in parts.IntegerPart[..optionalDigitPos])
                {
                    if (IsDigitFamily(ch))
                    {
                        error = "D3090";
                        break;
                    }
                }
            }

            optionalDigitPos = parts.FractionalPart.LastIndexOf(digitChar, StringComparison.Ordinal);
            if (optionalDigitPos != -1)
            {
                foreach (var ch in parts.FractionalPart[optionalDigitPos..])
                {
                    if (IsDigitFamily(ch))
                    {
                        error = "D3091";
                        break;
                    }
                }
            }

            var exponentExists = parts.ExponentPart is not null;
            if (exponentExists && parts.ExponentPart!.Length > 0
                && (subpicture.Contains(percent, StringComparison.Ordinal) || subpicture.Contains(perMille, StringComparison.Ordinal)))
            {
                error = "D3092";
            }

            if (exponentExists)
            {
                var bad = parts.ExponentPart!.Length == 0;
                foreach (var ch in parts.ExponentPart)
                {
                    if (!IsDigitFamily(ch))
                    {
                        bad = true;
                    }
                }

                if (bad)
                {
                    error = "D3093";
                }
            }

            if (error is not null)
            {
                throw new JsonataException(error);
            }
        }

        Pic Analyse(Parts parts)
        {
            List<int> GetGroupingPositions(string part, bool toLeft)
            {
                var positions = new List<int>();
                var groupingPosition = part.IndexOf(groupSep, StringComparison.Ordinal);
                while (groupingPosition != -1)
                {
                    var segment = toLeft ? part[..groupingPosition] : part[groupingPosition..];
                    var charsToTheRight = 0;
                    foreach (var ch in segment)
                    {
                        if (IsDigitFamily(ch) || ch.ToString() == digitChar)
                        {
                            charsToTheRight++;
                        }
                    }

                    positions.Add(charsToTheRight);
                    groupingPosition = parts.IntegerPart.IndexOf(groupSep, groupingPosition + 1, StringComparison.Ordinal);
                }

                return positions;
            }

            var integerPartGroupingPositions = GetGroupingPositions(parts.IntegerPart, false);
            int Regular(List<int> indexes)
            {
                if (indexes.Count == 0)
                {
                    return 0;
                }

                static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
                var factor = indexes[0];
                for (var i = 1; i < indexes.Count; i++)
                {
                    factor = Gcd(factor, indexes[i]);
                }

                for (var index = 1; index <= indexes.Count; index++)
                {
                    if (!indexes.Contains(index * factor))
                    {
                        return 0;
                    }
                }

                return factor;
            }

            var regularGrouping = Regular(integerPartGroupingPositions);
            var fractionalPartGroupingPositions = GetGroupingPositions(parts.FractionalPart, true);
            var minimumIntegerPartSize = 0;
            foreach (var ch in parts.IntegerPart)
            {
                if (IsDigitFamily(ch))
                {
                    minimumIntegerPartSize++;
                }
            }

            var scalingFactor = minimumIntegerPartSize;
            var minimumFactionalPartSize = 0;
            var maximumFactionalPartSize = 0;
            foreach (var ch in parts.FractionalPart)
            {
                if (IsDigitFamily(ch))
                {
                    minimumFactionalPartSize++;
                }

                if (IsDigitFamily(ch) || ch.ToString() == digitChar)
                {
                    maximumFactionalPartSize++;
                }
            }

            var exponentPresent = parts.ExponentPart is not null;
            if (minimumIntegerPartSize == 0 && maximumFactionalPartSize == 0)
            {
                if (exponentPresent)
                {
                    minimumFactionalPartSize = 1;
                    maximumFactionalPartSize = 1;
                }
                else
                {
                    minimumIntegerPartSize = 1;
                }
            }

            if (exponentPresent && minimumIntegerPartSize == 0 && parts.IntegerPart.Contains(digitChar, StringComparison.Ordinal))
            {
                minimumIntegerPartSize = 1;
            }

            if (minimumIntegerPartSize == 0 && minimumFactionalPartSize == 0)
            {
                minimumFactionalPartSize = 1;
            }

            var minimumExponentSize = 0;
            if (exponentPresent)
            {
                foreach (var ch in parts.ExponentPart!)
                {
                    if (IsDigitFamily(ch))
                    {
                        minimumExponentSize++;
                    }
                }
            }

            return new Pic
            {
                IntegerPartGroupingPositions = integerPartGroupingPositions,
                RegularGrouping = regularGrouping,
                MinimumIntegerPartSize = minimumIntegerPartSize,
                ScalingFactor = scalingFactor,
                Prefix = parts.Prefix,
                FractionalPartGroupingPositions = fractionalPartGroupingPositions,
                MinimumFactionalPartSize = minimumFactionalPartSize,
                MaximumFactionalPartSize = maximumFactionalPartSize,
                MinimumExponentSize = minimumExponentSize,
                Suffix = parts.Suffix,
                Picture = parts.Subpicture,
            };
        }

        var partsList = new List<Parts>();
        foreach (var sp in subPictures)
        {
            partsList.Add(SplitParts(sp));
        }

        foreach (var p in partsList)
        {
            Validate(p);
        }

        var variables = new List<Pic>();
        foreach (var p in partsList)
        {
            variables.Add(Analyse(p));
        }

        var minusSign = properties["minus-sign"];
        if (variables.Count == 1)
        {
            var v0 = variables[0];
            variables.Add(new Pic
            {
                IntegerPartGroupingPositions = [.. v0.IntegerPartGroupingPositions],
                RegularGrouping = v0.RegularGrouping,
                MinimumIntegerPartSize = v0.MinimumIntegerPartSize,
                ScalingFactor = v0.ScalingFactor,
                Prefix = minusSign + v0.Prefix,
                FractionalPartGroupingPositions = [.. v0.FractionalPartGroupingPositions],
                MinimumFactionalPartSize = v0.MinimumFactionalPartSize,
                MaximumFactionalPartSize = v0.MaximumFactionalPartSize,
                MinimumExponentSize = v0.MinimumExponentSize,
                Suffix = v0.Suffix,
                Picture = v0.Picture,
            });
        }

        return new Analysis(properties, decimalDigitFamily, variables);
    }

    private static string Format(double value, Analysis analysis)
    {
        var properties = analysis.Properties;
        var decimalDigitFamily = analysis.DecimalDigitFamily;
        var variables = analysis.Variables;
        var minusSign = properties["minus-sign"];
        var zeroDigit = properties["zero-digit"];
        var decimalSep = properties["decimal-separator"];
        var groupSep = properties["grouping-separator"];
        var expSep = properties["exponent-separator"];
        var percent = properties["percent"];
        var perMille = properties["per-mille"];
        var pic = value >= 0 ? variables[0] : variables[1];
        double adjustedNumber;
        if (pic.Picture.Contains(percent, StringComparison.Ordinal))
        {
            adjustedNumber = value * 100;
        }
        else if (pic.Picture.Contains(perMille, StringComparison.Ordinal))
        {
            adjustedNumber = value * 1000;
        }
        else
        {
            adjustedNumber = value;
        }

        double mantissa;
        int? exponent = null;
        if (pic.MinimumExponentSize == 0)
        {
            mantissa = adjustedNumber;
        }
        else
        {
            var maxMantissa = Math.Pow(10, pic.ScalingFactor);
            var minMantissa = Math.Pow(10, pic.ScalingFactor - 1);
            mantissa = adjustedNumber;
            var e = 0;
            while (mantissa < minMantissa)
            {
                mantissa *= 10;
                e -= 1;
            }

            while (mantissa > maxMantissa)
            {
                mantissa /= 10;
                e += 1;
            }

            exponent = e;
        }

        var roundedNumber = Builtins.Round(mantissa, pic.MaximumFactionalPartSize);
        string MakeString(double v, int dp)
        {
            var str = ToFixed(Math.Abs(v), dp);
            if (zeroDigit != "0")
            {
                var sb = new StringBuilder();
                foreach (var digit in str)
                {
                    sb.Append(digit is >= '0' and <= '9' ? decimalDigitFamily[digit - '0'] : digit.ToString());
                }

                str = sb.ToString();
            }

            return str;
        }

        var stringValue = MakeString(roundedNumber, pic.MaximumFactionalPartSize);
        var dotPos = stringValue.IndexOf('.', StringComparison.Ordinal);
        stringValue = dotPos == -1 ? stringValue + decimalSep : ReplaceFirst(stringValue, ".", decimalSep);
        while (stringValue.StartsWith(zeroDigit, StringComparison.Ordinal))
        {
            stringValue = stringValue[zeroDigit.Length..];
        }

        while (stringValue.EndsWith(zeroDigit, StringComparison.Ordinal))
        {
            stringValue = stringValue[..^zeroDigit.Length];
        }

        var decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        var padLeft = pic.MinimumIntegerPartSize - decimalPos;
        var padRight = pic.MinimumFactionalPartSize - (stringValue.Length - decimalPos - 1);
        stringValue = (padLeft > 0 ? Repeat(zeroDigit, padLeft) : "") + stringValue;
        stringValue += padRight > 0 ? Repeat(zeroDigit, padRight) : "";
        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        if (pic.RegularGrouping > 0)
        {
            var groupCount = (int)Math.Floor((decimalPos - 1) / (double)pic.RegularGrouping);
            for (var group = 1; group <= groupCount; group++)
            {
                var at = decimalPos - (group * pic.RegularGrouping);
                stringValue = JsSlice(stringValue, 0, at) + groupSep + JsSlice(stringValue, at, null);
            }
        }
        else
        {
            foreach (var pos in pic.IntegerPartGroupingPositions)
            {
                var at = decimalPos - pos;
                stringValue = JsSlice(stringValue, 0, at) + groupSep + JsSlice(stringValue, at, null);
                decimalPos++;
            }
        }

        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        foreach (var pos in pic.FractionalPartGroupingPositions)
        {
            var at = pos + decimalPos + 1;
            stringValue = JsSlice(stringValue, 0, at) + groupSep + JsSlice(stringValue, at, null);
        }

        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        if (!pic.Picture.Contains(decimalSep, StringComparison.Ordinal) || decimalPos == stringValue.Length - 1)
        {
            stringValue = stringValue[..^1];
        }

        if (exponent is int ex)
        {
            var stringExponent = MakeString(ex, 0);
            padLeft = pic.MinimumExponentSize - stringExponent.Length;
            if (padLeft > 0)
            {
                stringExponent = Repeat(zeroDigit, padLeft) + stringExponent;
            }

            stringValue = stringValue + expSep + (ex < 0 ? minusSign : "") + stringExponent;
        }

        return pic.Prefix + stringValue + pic.Suffix;
    }

    private static string CharAt(string s, int i) => i >= 0 && i < s.Length ? s[i].ToString() : "";

    private static string JsSubstring(string s, int start, int end)
    {
        start = Math.Clamp(start, 0, s.Length);
        end = Math.Clamp(end, 0, s.Length);
        if (start > end)
        {
            (start, end) = (end, start);
        }

        return s[start..end];
    }

    private static string JsSlice(string s, int start, int? end)
    {
        var len = s.Length;
        var from = start < 0 ? Math.Max(len + start, 0) : Math.Min(start, len);
        var to = end is int e ? (e < 0 ? Math.Max(len + e, 0) : Math.Min(e, len)) : len;
        return to > from ? s[from..to] : "";
    }

    private static string ReplaceFirst(string s, string what, string with)
    {
        var i = s.IndexOf(what, StringComparison.Ordinal);
        return i < 0 ? s : s[..i] + with + s[(i + what.Length)..];
    }

    private static string Repeat(string s, int n)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            sb.Append(s);
        }

        return sb.ToString();
    }

    /// <summary>Number.prototype.toFixed.</summary>
    internal static string ToFixed(double v, int dp)
    {
        if (Math.Abs(v) >= 1e21)
        {
            return JsText.NumberToString(v);
        }

        return v.ToString("F" + dp.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}

/// <summary>$formatInteger and $parseInteger (XPath F&amp;O fn:format-integer), and the integer parts of date pictures.</summary>
internal static class IntegerFormatting
{
    internal enum Primary
    {
        Decimal,
        Letters,
        Roman,
        Words,
        Sequence,
    }

    internal enum Case
    {
        Lower,
        Upper,
        Title,
    }

    internal sealed class Separator
    {
        public int Position;
        public string Character = "";
    }

    internal sealed class IntegerFormat
    {
        public Primary Primary = Primary.Decimal;
        public Case Case = Case.Lower;
        public bool Ordinal;
        public int ZeroCode = 0x30;
        public int MandatoryDigits;
        public int OptionalDigits;
        public bool Regular;
        public Separator? RegularSeparator;
        public List<Separator> GroupingSeparators = [];
        public string? Token;
        public int N;
    }

    private static readonly string[] Few =
    [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
        "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ];

    private static readonly string[] Ordinals =
    [
        "Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
        "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth",
    ];

    private static readonly string[] Decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"];
    private static readonly string[] Magnitudes = ["Thousand", "Million", "Billion", "Trillion"];

    private static readonly int[] DecimalGroups =
    [
        0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6,
        0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
        0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ];

    internal static readonly List<KeyValuePair<string, double>> WordValues = BuildWordValues();

    private static List<KeyValuePair<string, double>> BuildWordValues()
    {
        var d = new List<KeyValuePair<string, double>>();
        void Set(string k, double v)
        {
            var i = d.FindIndex(p => p.Key == k);
            if (i >= 0)
            {
                d[i] = new(k, v);
            }
            else
            {
                d.Add(new(k, v));
            }
        }

        for (var i = 0; i < Few.Length; i++)
        {
            Set(Few[i].ToLowerInvariant(), i);
        }

        for (var i = 0; i < Ordinals.Length; i++)
        {
            Set(Ordinals[i].ToLowerInvariant(), i);
        }

        for (var i = 0; i < Decades.Length; i++)
        {
            var lword = Decades[i].ToLowerInvariant();
            Set(lword, (i + 2) * 10);
            Set(lword[..^1] + "ieth", (i + 2) * 10);
        }

        Set("hundredth", 100);
        for (var i = 0; i < Magnitudes.Length; i++)
        {
            var lword = Magnitudes[i].ToLowerInvariant();
            var val = Math.Pow(10, (i + 1) * 3);
            Set(lword, val);
            Set(lword + "th", val);
        }

        return d;
    }

    private static double? WordValue(string w)
    {
        foreach (var kv in WordValues)
        {
            if (kv.Key == w)
            {
                return kv.Value;
            }
        }

        return null;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IntegerFormat> PictureCache = new(StringComparer.Ordinal);

    public static string FormatInteger(double value, string picture)
    {
        value = Math.Floor(value);
        if (!PictureCache.TryGetValue(picture, out var format))
        {
            format = AnalyseIntegerPicture(picture);
            if (PictureCache.Count < 256)
            {
                PictureCache[picture] = format;
            }
        }

        return Format(value, format);
    }

    internal static string NumberToWords(double value, bool ordinal)
    {
        string Lookup(double num, bool prev, bool ord)
        {
            var words = "";
            if (num <= 19)
            {
                words = (prev ? " and " : "") + (ord ? Ordinals[(int)num] : Few[(int)num]);
            }
            else if (num < 100)
            {
                var tens = (int)Math.Floor(num / 10);
                var remainder = num % 10;
                words = (prev ? " and " : "") + Decades[tens - 2];
                if (remainder > 0)
                {
                    words += "-" + Lookup(remainder, false, ord);
                }
                else if (ord)
                {
                    words = words[..^1] + "ieth";
                }
            }
            else if (num < 1000)
            {
                var hundreds = (int)Math.Floor(num / 100);
                var remainder = num % 100;
                words = (prev ? ", " : "") + Few[hundreds] + " Hundred";
                if (remainder > 0)
                {
                    words += Lookup(remainder, true, ord);
                }
                else if (ord)
                {
                    words += "th";
                }
            }
            else
            {
                var mag = (int)Math.Floor(Math.Log10(num) / 3);
                if (mag > Magnitudes.Length)
                {
                    mag = Magnitudes.Length;
                }

                var factor = Math.Pow(10, mag * 3);
                var mant = Math.Floor(num / factor);
                var remainder = num - (mant * factor);
                words = (prev ? ", " : "") + Lookup(mant, false, false) + " " + Magnitudes[mag - 1];
                if (remainder > 0)
                {
                    words += Lookup(remainder, true, ord);
                }
                else if (ord)
                {
                    words += "th";
                }
            }

            return words;
        }

        return Lookup(value, false, ordinal);
    }

    internal static double WordsToNumber(string text)
    {
        var parts = Regex.Split(text, @",\s|\sand\s|[\s\\-]");
        var segs = new List<double> { 0 };
        foreach (var part in parts)
        {
            var value = WordValue(part) ?? double.NaN;
            if (value < 100 || double.IsNaN(value))
            {
                var top = segs[^1];
                segs.RemoveAt(segs.Count - 1);
                if (top >= 1000)
                {
                    segs.Add(top);
                    top = 0;
                }

                segs.Add(top + value);
            }
            else
            {
                var top = segs[^1];
                segs.RemoveAt(segs.Count - 1);
                segs.Add(top * value);
            }
        }

        var result = 0.0;
        foreach (var s in segs)
        {
            result += s;
        }

        return result;
    }

    private static readonly (int Value, string Numeral)[] RomanNumerals =
    [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"),
        (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ];

    private static string DecimalToRoman(double value)
    {
        var sb = new StringBuilder();
        while (true)
        {
            var found = false;
            foreach (var (v, n) in RomanNumerals)
            {
                if (value >= v)
                {
                    sb.Append(n);
                    value -= v;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return sb.ToString();
            }
        }
    }

    private static double RomanToDecimal(string roman)
    {
        double decimalValue = 0;
        double max = 1;
        for (var i = roman.Length - 1; i >= 0; i--)
        {
            double value = roman[i] switch
            {
                'M' => 1000,
                'D' => 500,
                'C' => 100,
                'L' => 50,
                'X' => 10,
                'V' => 5,
                'I' => 1,
                _ => double.NaN,
            };
            if (value < max)
            {
                decimalValue -= value;
            }
            else
            {
                max = value;
                decimalValue += value;
            }
        }

        return decimalValue;
    }

    private static string DecimalToLetters(double value, char aChar)
    {
        var letters = new StringBuilder();
        while (value > 0)
        {
            letters.Insert(0, (char)(((value - 1) % 26) + aChar));
            value = Math.Floor((value - 1) / 26);
        }

        return letters.ToString();
    }

    private static double LettersToDecimal(string letters, char aChar)
    {
        double result = 0;
        for (var i = 0; i < letters.Length; i++)
        {
            result += (letters[letters.Length - i - 1] - aChar + 1) * Math.Pow(26, i);
        }

        return result;
    }

    internal static string Format(double value, IntegerFormat format)
    {
        string formattedInteger = "";
        var negative = value < 0;
        value = Math.Abs(value);
        switch (format.Primary)
        {
            case Primary.Letters:
                formattedInteger = DecimalToLetters(value, format.Case == Case.Upper ? 'A' : 'a');
                break;
            case Primary.Roman:
                formattedInteger = DecimalToRoman(value);
                if (format.Case == Case.Upper)
                {
                    formattedInteger = formattedInteger.ToUpperInvariant();
                }

                break;
            case Primary.Words:
                formattedInteger = NumberToWords(value, format.Ordinal);
                if (format.Case == Case.Upper)
                {
                    formattedInteger = formattedInteger.ToUpperInvariant();
                }
                else if (format.Case == Case.Lower)
                {
                    formattedInteger = formattedInteger.ToLowerInvariant();
                }

                break;
            case Primary.Decimal:
            {
                formattedInteger = JsText.NumberToString(value);
                var padLength = format.MandatoryDigits - formattedInteger.Length;
                if (padLength > 0)
                {
                    formattedInteger = new string('0', padLength) + formattedInteger;
                }

                if (format.ZeroCode != 0x30)
                {
                    var sb = new StringBuilder();
                    foreach (var cp in V.CodePoints(formattedInteger))
                    {
                        sb.Append(char.ConvertFromUtf32(char.ConvertToUtf32(cp, 0) + format.ZeroCode - 0x30));
                    }

                    formattedInteger = sb.ToString();
                }

                if (format.Regular)
                {
                    var sep = format.RegularSeparator!;
                    var n = (int)Math.Floor((formattedInteger.Length - 1) / (double)sep.Position);
                    for (var ii = n; ii > 0; ii--)
                    {
                        var pos = formattedInteger.Length - (ii * sep.Position);
                        formattedInteger = formattedInteger[..pos] + sep.Character + formattedInteger[pos..];
                    }
                }
                else
                {
                    // the reference reverses the analysed list in place; walking it backwards keeps analyses reusable
                    for (var si = format.GroupingSeparators.Count - 1; si >= 0; si--)
                    {
                        var separator = format.GroupingSeparators[si];
                        var pos = formattedInteger.Length - separator.Position;
                        if (pos < 0)
                        {
                            pos = Math.Max(0, formattedInteger.Length + pos);
                        }

                        formattedInteger = formattedInteger[..pos] + separator.Character + formattedInteger[pos..];
                    }
                }

                if (format.Ordinal)
                {
                    var lastDigit = formattedInteger[^1];
                    var suffix = lastDigit switch
                    {
                        '1' => "st",
                        '2' => "nd",
                        '3' => "rd",
                        _ => null,
                    };
                    if (suffix is null || (formattedInteger.Length > 1 && formattedInteger[^2] == '1'))
                    {
                        suffix = "th";
                    }

                    formattedInteger += suffix;
                }

                break;
            }

            case Primary.Sequence:
                throw new JsonataException("D3130", null, format.Token);
        }

        if (negative)
        {
            formattedInteger = "-" + formattedInteger;
        }

        return formattedInteger;
    }

    internal static IntegerFormat AnalyseIntegerPicture(string picture)
    {
        var format = new IntegerFormat();
        string primaryFormat;
        var semicolon = picture.LastIndexOf(';');
        if (semicolon == -1)
        {
            primaryFormat = picture;
        }
        else
        {
            primaryFormat = picture[..semicolon];
            var formatModifier = picture[(semicolon + 1)..];
            if (formatModifier.StartsWith('o'))
            {
                format.Ordinal = true;
            }
        }

        switch (primaryFormat)
        {
            case "A":
                format.Case = Case.Upper;
                format.Primary = Primary.Letters;
                break;
            case "a":
                format.Primary = Primary.Letters;
                break;
            case "I":
                format.Case = Case.Upper;
                format.Primary = Primary.Roman;
                break;
            case "i":
                format.Primary = Primary.Roman;
                break;
            case "W":
                format.Case = Case.Upper;
                format.Primary = Primary.Words;
                break;
            case "Ww":
                format.Case = Case.Title;
                format.Primary = Primary.Words;
                break;
            case "w":
                format.Primary = Primary.Words;
                break;
            default:
            {
                int? zeroCode = null;
                var mandatoryDigits = 0;
                var optionalDigits = 0;
                var groupingSeparators = new List<Separator>();
                var separatorPosition = 0;
                var cps = V.CodePoints(primaryFormat);
                cps.Reverse();
                foreach (var cpStr in cps)
                {
                    var codePoint = char.ConvertToUtf32(cpStr, 0);
                    var digit = false;
                    foreach (var group in DecimalGroups)
                    {
                        if (codePoint >= group && codePoint <= group + 9)
                        {
                            digit = true;
                            mandatoryDigits++;
                            separatorPosition++;
                            if (zeroCode is null)
                            {
                                zeroCode = group;
                            }
                            else if (group != zeroCode)
                            {
                                throw new JsonataException("D3131");
                            }

                            break;
                        }
                    }

                    if (!digit)
                    {
                        if (codePoint == 0x23)
                        {
                            separatorPosition++;
                            optionalDigits++;
                        }
                        else
                        {
                            groupingSeparators.Add(new Separator { Position = separatorPosition, Character = cpStr });
                        }
                    }
                }

                if (mandatoryDigits > 0)
                {
                    format.Primary = Primary.Decimal;
                    format.ZeroCode = zeroCode!.Value;
                    format.MandatoryDigits = mandatoryDigits;
                    format.OptionalDigits = optionalDigits;
                    var regular = RegularRepeat(groupingSeparators);
                    if (regular > 0)
                    {
                        format.Regular = true;
                        format.RegularSeparator = new Separator { Position = regular, Character = groupingSeparators[0].Character };
                    }
                    else
                    {
                        format.Regular = false;
                        format.GroupingSeparators = groupingSeparators;
                    }
                }
                else
                {
                    format.Primary = Primary.Sequence;
                    format.Token = primaryFormat;
                }

                break;
            }
        }

        return format;
    }

    private static int RegularRepeat(List<Separator> separators)
    {
        if (separators.Count == 0)
        {
            return 0;
        }

        var sepChar = separators[0].Character;
        for (var ii = 1; ii < separators.Count; ii++)
        {
            if (separators[ii].Character != sepChar)
            {
                return 0;
            }
        }

        static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
        var factor = separators[0].Position;
        for (var i = 1; i < separators.Count; i++)
        {
            factor = Gcd(factor, separators[i].Position);
        }

        for (var index = 1; index <= separators.Count; index++)
        {
            var found = false;
            foreach (var s in separators)
            {
                if (s.Position == index * factor)
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return 0;
            }
        }

        return factor;
    }

    /// <summary>A matcher for one integer component: its regex and how to read a match.</summary>
    internal sealed class IntegerMatcher
    {
        public required string Regex;
        public required Func<string, double> Parse;
    }

    internal static IntegerMatcher GenerateMatcher(IntegerFormat formatSpec)
    {
        var isUpper = formatSpec.Case == Case.Upper;
        string occurrences;
        if (formatSpec.N > 0)
        {
            occurrences = formatSpec.OptionalDigits == 0
                ? "{" + formatSpec.N.ToString(CultureInfo.InvariantCulture) + "}"
                : "{" + (formatSpec.N - formatSpec.OptionalDigits).ToString(CultureInfo.InvariantCulture) + ","
                  + formatSpec.N.ToString(CultureInfo.InvariantCulture) + "}";
        }
        else
        {
            occurrences = "+";
        }

        switch (formatSpec.Primary)
        {
            case Primary.Letters:
                return new IntegerMatcher
                {
                    Regex = isUpper ? "[A-Z]+" : "[a-z]+",
                    Parse = value => LettersToDecimal(value, isUpper ? 'A' : 'a'),
                };
            case Primary.Roman:
                return new IntegerMatcher
                {
                    Regex = isUpper ? "[MDCLXVI]+" : "[mdclxvi]+",
                    Parse = value => RomanToDecimal(isUpper ? value : value.ToUpperInvariant()),
                };
            case Primary.Words:
            {
                var alts = new List<string>();
                foreach (var kv in WordValues)
                {
                    alts.Add(kv.Key);
                }

                alts.Add("and");
                alts.Add("[\\-, ]");
                return new IntegerMatcher
                {
                    Regex = "(?:" + string.Join("|", alts) + ")+",
                    Parse = value => WordsToNumber(value.ToLowerInvariant()),
                };
            }

            case Primary.Decimal:
            {
                var regex = "[0-9]" + occurrences;
                if (formatSpec.Ordinal)
                {
                    regex += "(?:th|st|nd|rd)";
                }

                return new IntegerMatcher
                {
                    Regex = regex,
                    Parse = value =>
                    {
                        var digits = value;
                        if (formatSpec.Ordinal)
                        {
                            digits = value[..^2];
                        }

                        if (formatSpec.Regular)
                        {
                            digits = digits.Replace(",", "", StringComparison.Ordinal);
                        }
                        else
                        {
                            foreach (var sep in formatSpec.GroupingSeparators)
                            {
                                digits = digits.Replace(sep.Character, "", StringComparison.Ordinal);
                            }
                        }

                        if (formatSpec.ZeroCode != 0x30)
                        {
                            var sb = new StringBuilder();
                            foreach (var ch in digits)
                            {
                                sb.Append((char)(ch - formatSpec.ZeroCode + 0x30));
                            }

                            digits = sb.ToString();
                        }

                        return JsParseInt(digits);
                    },
                };
            }

            default:
                throw new JsonataException("D3130", null, formatSpec.Token);
        }
    }

    internal static double JsParseInt(string s)
    {
        s = s.TrimStart();
        var i = 0;
        var neg = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            neg = s[i] == '-';
            i++;
        }

        var start = i;
        double value = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            value = (value * 10) + (s[i] - '0');
            i++;
        }

        if (i == start)
        {
            return double.NaN;
        }

        return neg ? -value : value;
    }

    public static object? ParseInteger(string value, string picture)
    {
        var formatSpec = AnalyseIntegerPicture(picture);
        var matcher = GenerateMatcher(formatSpec);
        return V.Num(matcher.Parse(value));
    }
}
