using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static Hybrid.Jsonata.Internal.IntegerFormatting;

namespace Hybrid.Jsonata.Internal;

/// <summary>$fromMillis and $toMillis (XPath F&amp;O date/time pictures), a port of the reference's datetime.js.</summary>
internal static class DateTimeFunctions
{
    private const double MillisInADay = 86400000;

    // analysed pictures are read-only once built, so they are shared between evaluations (bounded in size)
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<Part>> PictureCache = new(StringComparer.Ordinal);
    private static readonly string[] Days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private sealed class Width
    {
        public int? Min;
        public int? Max;
    }

    private sealed class Part
    {
        public bool IsLiteral;
        public string Value = "";
        public char Component;
        public Width? Width;
        public string? Presentation1;
        public string? Presentation2;
        public bool Ordinal;
        public Case? Names;
        public IntegerFormat? IntegerFormat;
        public int N;
    }

    // ---- calendar arithmetic on epoch milliseconds (proleptic Gregorian, UTC), like JavaScript's Date

    private static double DaysFromCivil(double y, double m, double d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = Math.Floor(y / 400);
        var yoe = y - (era * 400);
        var mp = (m + 9) % 12;
        var doy = Math.Floor(((153 * mp) + 2) / 5) + d - 1;
        var doe = (yoe * 365) + Math.Floor(yoe / 4) - Math.Floor(yoe / 100) + doy;
        return (era * 146097) + doe - 719468;
    }

    private static (int Y, int M, int D) CivilFromDays(double z)
    {
        z += 719468;
        var era = Math.Floor(z / 146097);
        var doe = z - (era * 146097);
        var yoe = Math.Floor((doe - Math.Floor(doe / 1460) + Math.Floor(doe / 36524) - Math.Floor(doe / 146096)) / 365);
        var y = yoe + (era * 400);
        var doy = doe - ((365 * yoe) + Math.Floor(yoe / 4) - Math.Floor(yoe / 100));
        var mp = Math.Floor(((5 * doy) + 2) / 153);
        var d = doy - Math.Floor(((153 * mp) + 2) / 5) + 1;
        var m = mp < 10 ? mp + 3 : mp - 9;
        return ((int)(y + (m <= 2 ? 1 : 0)), (int)m, (int)d);
    }

    /// <summary>Date.UTC(year, monthIndex, day, h, m, s, ms) with JavaScript's overflow normalisation.</summary>
    internal static double DateUtc(double year, double month, double day = 1, double h = 0, double mi = 0, double s = 0, double ms = 0)
    {
        if (double.IsNaN(year) || double.IsNaN(month) || double.IsNaN(day) || double.IsNaN(h) || double.IsNaN(mi)
            || double.IsNaN(s) || double.IsNaN(ms))
        {
            return double.NaN;
        }

        year = Math.Truncate(year);
        if (year is >= 0 and <= 99)
        {
            year += 1900;
        }

        month = Math.Truncate(month);
        var y = year + Math.Floor(month / 12);
        var mn = ((month % 12) + 12) % 12;
        var days = DaysFromCivil(y, mn + 1, 1) + Math.Truncate(day) - 1;
        return (days * MillisInADay) + (Math.Truncate(h) * 3600000) + (Math.Truncate(mi) * 60000) + (Math.Truncate(s) * 1000)
            + Math.Truncate(ms);
    }

    private readonly struct JsDate(double millis)
    {
        public readonly double Time = Math.Truncate(millis);

        private double Day => Math.Floor(Time / MillisInADay);

        private double MsInDay => Time - (Day * MillisInADay);

        public int Year => CivilFromDays(Day).Y;

        public int Month => CivilFromDays(Day).M - 1;

        public int Date => CivilFromDays(Day).D;

        public int WeekDay => (int)((((Day + 4) % 7) + 7) % 7);

        public int Hours => (int)Math.Floor(MsInDay / 3600000);

        public int Minutes => (int)Math.Floor(MsInDay / 60000) % 60;

        public int Seconds => (int)Math.Floor(MsInDay / 1000) % 60;

        public int Milliseconds => (int)(MsInDay % 1000);
    }

    private static double StartOfFirstWeek(int year, int month)
    {
        var jan1 = DateUtc(year, month);
        var dayOfJan1 = new JsDate(jan1).WeekDay;
        if (dayOfJan1 == 0)
        {
            dayOfJan1 = 7;
        }

        return dayOfJan1 > 4 ? jan1 + ((8 - dayOfJan1) * MillisInADay) : jan1 - ((dayOfJan1 - 1) * MillisInADay);
    }

    private static double DeltaWeeks(double start, double end) => ((end - start) / (MillisInADay * 7)) + 1;

    private static object GetDateTimeFragment(JsDate date, char component)
    {
        switch (component)
        {
            case 'Y':
                return (double)date.Year;
            case 'M':
                return (double)(date.Month + 1);
            case 'D':
                return (double)date.Date;
            case 'd':
            {
                var today = DateUtc(date.Year, date.Month, date.Date);
                var firstJan = DateUtc(date.Year, 0);
                return ((today - firstJan) / MillisInADay) + 1;
            }

            case 'F':
            {
                var v = date.WeekDay;
                return (double)(v == 0 ? 7 : v);
            }

            case 'W':
            {
                var year = date.Year;
                var startOfWeek1 = StartOfFirstWeek(year, 0);
                var today = DateUtc(year, date.Month, date.Date);
                var week = DeltaWeeks(startOfWeek1, today);
                if (week > 52)
                {
                    var startOfFollowingYear = StartOfFirstWeek(year + 1, 0);
                    if (today >= startOfFollowingYear)
                    {
                        week = 1;
                    }
                }
                else if (week < 1)
                {
                    var startOfPreviousYear = StartOfFirstWeek(year - 1, 0);
                    week = DeltaWeeks(startOfPreviousYear, today);
                }

                return Math.Floor(week);
            }

            case 'w':
            {
                var year = date.Year;
                var month = date.Month;
                var startOfWeek1 = StartOfFirstWeek(year, month);
                var today = DateUtc(year, month, date.Date);
                var week = DeltaWeeks(startOfWeek1, today);
                if (week > 4)
                {
                    var (ny, nm) = month == 11 ? (year + 1, 0) : (year, month + 1);
                    if (today >= StartOfFirstWeek(ny, nm))
                    {
                        week = 1;
                    }
                }
                else if (week < 1)
                {
                    var (py, pm) = month == 0 ? (year - 1, 11) : (year, month - 1);
                    week = DeltaWeeks(StartOfFirstWeek(py, pm), today);
                }

                return Math.Floor(week);
            }

            case 'X':
            {
                var year = date.Year;
                var startOfIsoYear = StartOfFirstWeek(year, 0);
                var endOfIsoYear = StartOfFirstWeek(year + 1, 0);
                var now = date.Time;
                return now < startOfIsoYear ? year - 1 : now >= endOfIsoYear ? year + 1 : (double)year;
            }

            case 'x':
            {
                var year = date.Year;
                var month = date.Month;
                var startOfIsoMonth = StartOfFirstWeek(year, month);
                var (ny, nm) = month == 11 ? (year + 1, 0) : (year, month + 1);
                var endOfIsoMonth = StartOfFirstWeek(ny, nm);
                var now = date.Time;
                if (now < startOfIsoMonth)
                {
                    return (double)((month == 0 ? 11 : month - 1) + 1);
                }

                return now >= endOfIsoMonth ? nm + 1 : (double)(month + 1);
            }

            case 'H':
                return (double)date.Hours;
            case 'h':
            {
                var v = date.Hours % 12;
                return (double)(v == 0 ? 12 : v);
            }

            case 'P':
                return date.Hours >= 12 ? "pm" : "am";
            case 'm':
                return (double)date.Minutes;
            case 's':
                return (double)date.Seconds;
            case 'f':
                return (double)date.Milliseconds;
            case 'C':
            case 'E':
                return "ISO";
            default:
                return null!;
        }
    }

    private static string? DefaultPresentation(char component) => component switch
    {
        'Y' or 'M' or 'D' or 'd' or 'W' or 'w' or 'X' or 'x' or 'H' or 'h' or 'f' => "1",
        'F' or 'P' or 'C' or 'E' => "n",
        'm' or 's' => "01",
        'Z' or 'z' => "01:01",
        _ => null,
    };

    private static List<Part> AnalyseDateTimePicture(string picture)
    {
        var spec = new List<Part>();
        void AddLiteral(int start, int end)
        {
            if (end > start)
            {
                var literal = picture[start..end].Replace("]]", "]", StringComparison.Ordinal);
                spec.Add(new Part { IsLiteral = true, Value = literal });
            }
        }

        int start = 0, pos = 0;
        while (pos < picture.Length)
        {
            if (picture[pos] == '[')
            {
                if (pos + 1 < picture.Length && picture[pos + 1] == '[')
                {
                    AddLiteral(start, pos);
                    spec.Add(new Part { IsLiteral = true, Value = "[" });
                    pos += 2;
                    start = pos;
                    continue;
                }

                AddLiteral(start, pos);
                start = pos;
                pos = picture.IndexOf(']', start);
                if (pos == -1)
                {
                    throw new JsonataException("D3135");
                }

                var marker = Regex.Replace(picture[(start + 1)..pos], @"\s+", "");
                var def = new Part { Component = marker.Length > 0 ? marker[0] : '\0' };
                var comma = marker.LastIndexOf(',');
                string presMod;
                if (comma != -1)
                {
                    var widthMod = marker[(comma + 1)..];
                    var dash = widthMod.IndexOf('-', StringComparison.Ordinal);
                    string? min;
                    string? max = null;
                    if (dash == -1)
                    {
                        min = widthMod;
                    }
                    else
                    {
                        min = widthMod[..dash];
                        max = widthMod[(dash + 1)..];
                    }

                    static int? ParseWidth(string? wm)
                    {
                        if (wm is null or "*")
                        {
                            return null;
                        }

                        var v = JsParseInt(wm);
                        return double.IsNaN(v) ? null : (int)v;
                    }

                    def.Width = new Width { Min = ParseWidth(min), Max = ParseWidth(max) };
                    presMod = marker.Length > 1 ? marker[1..comma] : "";
                }
                else
                {
                    presMod = marker.Length > 1 ? marker[1..] : "";
                }

                if (presMod.Length == 1)
                {
                    def.Presentation1 = presMod;
                }
                else if (presMod.Length > 1)
                {
                    var lastChar = presMod[^1];
                    if ("atco".Contains(lastChar, StringComparison.Ordinal))
                    {
                        def.Presentation2 = lastChar.ToString();
                        if (lastChar == 'o')
                        {
                            def.Ordinal = true;
                        }

                        def.Presentation1 = presMod[..^1];
                    }
                    else
                    {
                        def.Presentation1 = presMod;
                    }
                }
                else
                {
                    def.Presentation1 = DefaultPresentation(def.Component);
                }

                if (def.Presentation1 is null)
                {
                    throw new JsonataException("D3132", null, def.Component.ToString());
                }

                if (def.Presentation1.Length > 0 && def.Presentation1[0] == 'n')
                {
                    def.Names = Case.Lower;
                }
                else if (def.Presentation1.Length > 0 && def.Presentation1[0] == 'N')
                {
                    def.Names = def.Presentation1.Length > 1 && def.Presentation1[1] == 'n' ? Case.Title : Case.Upper;
                }
                else if ("YMDdFWwXxHhmsf".Contains(def.Component, StringComparison.Ordinal))
                {
                    var integerPattern = def.Presentation1;
                    if (def.Presentation2 is not null)
                    {
                        integerPattern += ";" + def.Presentation2;
                    }

                    def.IntegerFormat = AnalyseIntegerPicture(integerPattern);
                    if (def.Width?.Min is int wmin && def.IntegerFormat.MandatoryDigits < wmin)
                    {
                        def.IntegerFormat.MandatoryDigits = wmin;
                    }

                    if ("YMD".Contains(def.Component, StringComparison.Ordinal))
                    {
                        def.N = -1;
                        if (def.Width?.Max is int wmax)
                        {
                            def.N = wmax;
                            def.IntegerFormat.MandatoryDigits = def.N;
                        }
                        else
                        {
                            var w = def.IntegerFormat.MandatoryDigits + def.IntegerFormat.OptionalDigits;
                            if (w >= 2)
                            {
                                def.N = w;
                            }
                        }
                    }
                }

                if (def.Component is 'Z' or 'z')
                {
                    def.IntegerFormat = AnalyseIntegerPicture(def.Presentation1);
                }

                spec.Add(def);
                start = pos + 1;
            }

            pos++;
        }

        AddLiteral(start, pos);
        return spec;
    }

    public static string FromMillis(double millis, string? picture, string? timezone)
    {
        var offsetHours = 0.0;
        var offsetMinutes = 0.0;
        if (timezone is not null)
        {
            var offset = JsParseInt(timezone);
            offsetHours = Math.Floor(offset / 100);
            offsetMinutes = offset % 100;
        }

        var pictureText = picture ?? "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
        if (!PictureCache.TryGetValue(pictureText, out var spec))
        {
            spec = AnalyseDateTimePicture(pictureText);
            if (PictureCache.Count < 256)
            {
                PictureCache[pictureText] = spec;
            }
        }
        var offsetMillis = ((60 * offsetHours) + offsetMinutes) * 60 * 1000;
        var dateTime = new JsDate(millis + offsetMillis);
        var result = new StringBuilder();
        foreach (var part in spec)
        {
            if (part.IsLiteral)
            {
                result.Append(part.Value);
            }
            else
            {
                result.Append(FormatComponent(dateTime, part, offsetHours, offsetMinutes));
            }
        }

        return result.ToString();
    }

    private static string FormatComponent(JsDate date, Part markerSpec, double offsetHours, double offsetMinutes)
    {
        var componentValue = GetDateTimeFragment(date, markerSpec.Component);
        var c = markerSpec.Component;
        if ("YMDdFWwXxHhms".Contains(c, StringComparison.Ordinal))
        {
            if (c == 'Y' && markerSpec.N != -1)
            {
                componentValue = (double)componentValue % Math.Pow(10, markerSpec.N);
            }

            if (markerSpec.Names is Case names)
            {
                string name;
                if (c is 'M' or 'x')
                {
                    name = Months[(int)(double)componentValue - 1];
                }
                else if (c == 'F')
                {
                    name = Days[(int)(double)componentValue];
                }
                else
                {
                    throw new JsonataException("D3133", null, c.ToString());
                }

                if (names == Case.Upper)
                {
                    name = name.ToUpperInvariant();
                }
                else if (names == Case.Lower)
                {
                    name = name.ToLowerInvariant();
                }

                if (markerSpec.Width?.Max is int max && name.Length > max)
                {
                    name = name[..max];
                }

                return name;
            }

            return Format((double)componentValue, markerSpec.IntegerFormat!);
        }

        if (c == 'f')
        {
            return Format((double)componentValue, markerSpec.IntegerFormat!);
        }

        if (c is 'Z' or 'z')
        {
            var offset = (offsetHours * 100) + offsetMinutes;
            string value;
            if (markerSpec.IntegerFormat!.Regular)
            {
                value = Format(offset, markerSpec.IntegerFormat);
            }
            else
            {
                var numDigits = markerSpec.IntegerFormat.MandatoryDigits;
                if (numDigits is 1 or 2)
                {
                    value = Format(offsetHours, markerSpec.IntegerFormat);
                    if (offsetMinutes != 0)
                    {
                        value += ":" + FormatInteger(offsetMinutes, "00");
                    }
                }
                else if (numDigits is 3 or 4)
                {
                    value = Format(offset, markerSpec.IntegerFormat);
                }
                else
                {
                    throw new JsonataException("D3134", null, (double)numDigits);
                }
            }

            if (offset >= 0)
            {
                value = "+" + value;
            }

            if (c == 'z')
            {
                value = "GMT" + value;
            }

            if (offset == 0 && markerSpec.Presentation2 == "t")
            {
                value = "Z";
            }

            return value;
        }

        if (c == 'P')
        {
            var s = (string)componentValue;
            return markerSpec.Names == Case.Upper ? s.ToUpperInvariant() : s;
        }

        return componentValue switch
        {
            null => "undefined",
            string s => s,
            double d => JsText.NumberToString(d),
            _ => componentValue.ToString() ?? "",
        };
    }

    private sealed class PartMatcher
    {
        public required string Regex;
        public Func<string, object?>? Parse;
        public char Component;
    }

    private static readonly Regex Iso8601 = new(
        @"^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$", RegexOptions.CultureInvariant);

    public static object? ToMillis(string timestamp, string? picture, DateTimeOffset now)
    {
        if (picture is null)
        {
            if (!Iso8601.IsMatch(timestamp))
            {
                throw new JsonataException("D3110", null, timestamp);
            }

            return V.Num(ParseIso(timestamp));
        }

        return ParseDateTime(timestamp, picture, now);
    }

    private static readonly Regex IsoParts = new(
        @"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?(Z|[+-]\d\d:?\d\d)?$", RegexOptions.CultureInvariant);

    /// <summary>Date.parse for the ISO 8601 forms the reference accepts (no offset means UTC here).</summary>
    private static double ParseIso(string s)
    {
        var m = IsoParts.Match(s);
        if (!m.Success)
        {
            return double.NaN;
        }

        double G(int i, double def) => m.Groups[i].Success ? double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : def;
        var year = G(1, 0);
        var month = G(2, 1);
        var day = G(3, 1);
        var hour = G(4, 0);
        var minute = G(5, 0);
        var second = G(6, 0);
        double ms = 0;
        if (m.Groups[7].Success)
        {
            var frac = (m.Groups[7].Value + "00")[..3];
            ms = double.Parse(frac, CultureInfo.InvariantCulture);
        }

        // V8's Date.parse accepts any day up to 31 and rolls over (2023-02-30 is 2 March)
        if (month is < 1 or > 12 || day is < 1 or > 31 || hour > 24 || minute > 59 || second > 59)
        {
            return double.NaN;
        }

        var days = DaysFromCivil(year, month, day);
        var result = (days * MillisInADay) + (hour * 3600000) + (minute * 60000) + (second * 1000) + ms;
        if (m.Groups[8].Success && m.Groups[8].Value != "Z")
        {
            var tz = m.Groups[8].Value.Replace(":", "", StringComparison.Ordinal);
            var sign = tz[0] == '-' ? -1 : 1;
            var oh = double.Parse(tz.Substring(1, 2), CultureInfo.InvariantCulture);
            var om = double.Parse(tz.Substring(3, 2), CultureInfo.InvariantCulture);
            result -= sign * ((oh * 60) + om) * 60000;
        }

        return result;
    }

    private static object? ParseDateTime(string timestamp, string picture, DateTimeOffset nowOffset)
    {
        var formatSpec = AnalyseDateTimePicture(picture);
        var parts = new List<PartMatcher>();
        foreach (var part in formatSpec)
        {
            if (part.IsLiteral)
            {
                parts.Add(new PartMatcher { Regex = Regex.Escape(part.Value).Replace("]", "\\]", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal) });
            }
            else if (part.Component is 'Z' or 'z')
            {
                var separator = part.IntegerFormat!.Regular ? part.IntegerFormat.RegularSeparator : null;
                var regex = part.Component == 'z' ? "GMT" : "";
                regex += "[-+][0-9]+";
                if (separator is not null)
                {
                    regex += Regex.Escape(separator.Character) + "[0-9]+";
                }

                var isZ = part.Component == 'z';
                parts.Add(new PartMatcher
                {
                    Regex = regex,
                    Component = part.Component,
                    Parse = value =>
                    {
                        if (isZ)
                        {
                            value = value[3..];
                        }

                        double offsetHours, offsetMinutes = 0;
                        if (separator is not null)
                        {
                            var idx = value.IndexOf(separator.Character, StringComparison.Ordinal);
                            offsetHours = JsParseInt(value[..idx]);
                            offsetMinutes = JsParseInt(value[(idx + 1)..]);
                        }
                        else
                        {
                            var numdigits = value.Length - 1;
                            if (numdigits <= 2)
                            {
                                offsetHours = JsParseInt(value);
                            }
                            else
                            {
                                offsetHours = JsParseInt(value[..3]);
                                offsetMinutes = JsParseInt(value[3..]);
                            }
                        }

                        return (offsetHours * 60) + offsetMinutes;
                    },
                });
            }
            else if (part.IntegerFormat is not null)
            {
                part.IntegerFormat.N = part.N;
                var m = GenerateMatcher(part.IntegerFormat);
                parts.Add(new PartMatcher { Regex = m.Regex, Component = part.Component, Parse = v => m.Parse(v) });
            }
            else
            {
                var lookup = new Dictionary<string, double>(StringComparer.Ordinal);
                if (part.Component is 'M' or 'x')
                {
                    for (var i = 0; i < Months.Length; i++)
                    {
                        var name = part.Width?.Max is int max ? Months[i][..Math.Min(max, Months[i].Length)] : Months[i];
                        lookup[name] = i + 1;
                    }
                }
                else if (part.Component == 'F')
                {
                    for (var i = 1; i < Days.Length; i++)
                    {
                        var name = part.Width?.Max is int max ? Days[i][..Math.Min(max, Days[i].Length)] : Days[i];
                        lookup[name] = i;
                    }
                }
                else if (part.Component == 'P')
                {
                    lookup["am"] = 0;
                    lookup["AM"] = 0;
                    lookup["pm"] = 1;
                    lookup["PM"] = 1;
                }
                else
                {
                    throw new JsonataException("D3133", null, part.Component.ToString());
                }

                parts.Add(new PartMatcher
                {
                    Regex = "[a-zA-Z]+",
                    Component = part.Component,
                    Parse = v => lookup.TryGetValue(v, out var r) ? r : null,
                });
            }
        }

        var full = new StringBuilder("^");
        foreach (var p in parts)
        {
            full.Append('(').Append(p.Regex).Append(')');
        }

        full.Append('$');
        var info = Regex.Match(timestamp, full.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!info.Success)
        {
            return null;
        }

        var components = new Dictionary<char, object?>();
        for (var i = 1; i < info.Groups.Count; i++)
        {
            var mpart = parts[i - 1];
            if (mpart.Parse is not null)
            {
                components[mpart.Component] = mpart.Parse(info.Groups[i].Value);
            }
        }

        if (components.Count == 0)
        {
            return null;
        }

        var mask = 0;
        void Shift(char c)
        {
            mask <<= 1;
            mask += components.TryGetValue(c, out var v) && V.JsTruthy(v) ? 1 : 0;
        }

        bool IsType(int type) => (~type & mask) == 0 && (type & mask) != 0;
        foreach (var c in "YXMxWwdD")
        {
            Shift(c);
        }

        var dateA = IsType(161);
        var dateB = !dateA && IsType(130);
        var dateC = IsType(84);
        var dateD = !dateC && IsType(72);
        mask = 0;
        foreach (var c in "PHhmsf")
        {
            Shift(c);
        }

        var timeA = IsType(23);
        var timeB = !timeA && IsType(47);
        var dateComps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD";
        var timeComps = timeB ? "Phmsf" : "Hmsf";
        var comps = dateComps + timeComps;
        var now = new JsDate(nowOffset.ToUnixTimeMilliseconds());
        var startSpecified = false;
        var endSpecified = false;
        foreach (var part in comps)
        {
            if (!components.TryGetValue(part, out var existing) || existing is null)
            {
                if (startSpecified)
                {
                    components[part] = "MDd".Contains(part, StringComparison.Ordinal) ? 1.0 : 0.0;
                    endSpecified = true;
                }
                else
                {
                    components[part] = GetDateTimeFragment(now, part);
                }
            }
            else
            {
                startSpecified = true;
                if (endSpecified)
                {
                    throw new JsonataException("D3136");
                }
            }
        }

        double Num(char c) => components.TryGetValue(c, out var v) && v is double d ? d : double.NaN;
        var month = Num('M');
        month = month > 0 ? month - 1 : 0;
        var day = Num('D');
        if (dateB)
        {
            var firstJan = DateUtc(Num('Y'), 0);
            var offsetMillis = (Num('d') - 1) * MillisInADay;
            var derived = new JsDate(firstJan + offsetMillis);
            month = derived.Month;
            day = derived.Date;
        }

        if (dateC || dateD)
        {
            throw new JsonataException("D3136");
        }

        var hour = Num('H');
        if (timeB)
        {
            hour = Num('h') == 12 ? 0 : Num('h');
            if (Num('P') == 1)
            {
                hour += 12;
            }
        }

        var millis = DateUtc(Num('Y'), month, day, hour, Num('m'), Num('s'), Num('f'));
        var tz = components.TryGetValue('Z', out var zv) && V.JsTruthy(zv) ? zv
            : components.TryGetValue('z', out var zv2) && V.JsTruthy(zv2) ? zv2 : null;
        if (tz is double tzm)
        {
            millis -= tzm * 60 * 1000;
        }

        return V.Num(millis);
    }
}
