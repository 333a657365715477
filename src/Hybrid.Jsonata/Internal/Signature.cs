using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Hybrid.Jsonata.Internal;

/// <summary>A parsed function signature such as <c>&lt;s-nn?:s&gt;</c> that validates (and fixes up) arguments.</summary>
internal sealed class Signature
{
    private sealed class Param
    {
        public string Regex = "";
        public string Allowed = "";
        public int Min = 1;
        public int Max = 1;
        public string Type = "";
        public bool Array;
        public bool Context;
        public string? ContextRegex;
        public string? Subtype;
    }

    private static readonly ConcurrentDictionary<string, Signature> Cache = new(StringComparer.Ordinal);
    private readonly List<Param> _params;

    private Signature(string definition, List<Param> @params)
    {
        Definition = definition;
        _params = @params;
        foreach (var p in @params)
        {
            // each parameter's regex is a character class (or a single 'f') with an optional ? or + quantifier
            var r = p.Regex;
            if (r.EndsWith('?'))
            {
                p.Min = 0;
                r = r[..^1];
            }
            else if (r.EndsWith('+'))
            {
                p.Max = int.MaxValue;
                r = r[..^1];
            }

            p.Allowed = r.StartsWith('[') ? r[1..^1] : r;
        }
    }

    /// <summary>
    /// Matches the argument symbols against the parameters the way the anchored regex would (greedy quantifiers with
    /// backtracking), without the regex: fills in how many arguments each parameter consumed.
    /// </summary>
    private bool MatchParams(ReadOnlySpan<char> symbols, int paramIndex, Span<int> counts)
    {
        if (paramIndex == _params.Count)
        {
            return symbols.IsEmpty;
        }

        var p = _params[paramIndex];
        var n = 0;
        while (n < symbols.Length && n < p.Max && p.Allowed.Contains(symbols[n], StringComparison.Ordinal))
        {
            n++;
        }

        for (; n >= p.Min; n--)
        {
            counts[paramIndex] = n;
            if (MatchParams(symbols[n..], paramIndex + 1, counts))
            {
                return true;
            }
        }

        return false;
    }

    public string Definition { get; }

    public static Signature Parse(string signature) => Cache.GetOrAdd(signature, ParseCore);

    private static Signature ParseCore(string signature)
    {
        var position = 1;
        var @params = new List<Param>();
        var param = new Param();
        var prevParam = param;
        void Next()
        {
            @params.Add(param);
            prevParam = param;
            param = new Param();
        }

        int FindClosingBracket(string str, int start, char open, char close)
        {
            var depth = 1;
            var pos = start;
            while (pos < str.Length)
            {
                pos++;
                var c = pos < str.Length ? str[pos] : '\0';
                if (c == close)
                {
                    depth--;
                    if (depth == 0)
                    {
                        break;
                    }
                }
                else if (c == open)
                {
                    depth++;
                }
            }

            return pos;
        }

        while (position < signature.Length)
        {
            var symbol = signature[position];
            if (symbol == ':')
            {
                break;
            }

            switch (symbol)
            {
                case 's':
                case 'n':
                case 'b':
                case 'l':
                case 'o':
                    param.Regex = "[" + symbol + "m]";
                    param.Type = symbol.ToString();
                    Next();
                    break;
                case 'a':
                    param.Regex = "[asnblfom]";
                    param.Type = "a";
                    param.Array = true;
                    Next();
                    break;
                case 'f':
                    param.Regex = "f";
                    param.Type = "f";
                    Next();
                    break;
                case 'j':
                    param.Regex = "[asnblom]";
                    param.Type = "j";
                    Next();
                    break;
                case 'x':
                    param.Regex = "[asnblfom]";
                    param.Type = "x";
                    Next();
                    break;
                case '-':
                    prevParam.Context = true;
                    prevParam.ContextRegex = "^" + prevParam.Regex;
                    prevParam.Regex += "?";
                    break;
                case '?':
                case '+':
                    prevParam.Regex += symbol;
                    break;
                case '(':
                {
                    var endParen = FindClosingBracket(signature, position, '(', ')');
                    var choice = signature.Substring(position + 1, endParen - position - 1);
                    if (!choice.Contains('<', StringComparison.Ordinal))
                    {
                        param.Regex = "[" + choice + "m]";
                    }
                    else
                    {
                        throw new JsonataException("S0402", position, choice);
                    }

                    param.Type = "(" + choice + ")";
                    position = endParen;
                    Next();
                    break;
                }

                case '<':
                    if (prevParam.Type is "a" or "f")
                    {
                        var endPos = FindClosingBracket(signature, position, '<', '>');
                        prevParam.Subtype = signature.Substring(position + 1, endPos - position - 1);
                        position = endPos;
                    }
                    else
                    {
                        throw new JsonataException("S0401", position, prevParam.Type);
                    }

                    break;
            }

            position++;
        }

        return new Signature(signature, @params);
    }

    private static string PluralOf(string? subtype) => subtype switch
    {
        "a" => "arrays",
        "b" => "booleans",
        "f" => "functions",
        "n" => "numbers",
        "o" => "objects",
        "s" => "strings",
        _ => subtype ?? "",
    };

    /// <summary>Validates the arguments; returns the list to call with (context substituted, singletons wrapped).</summary>
    public object?[] Validate(object?[] args, object? context)
    {
        Span<char> buf = args.Length <= 32 ? stackalloc char[args.Length] : new char[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            buf[i] = V.Symbol(args[i]);
        }

        Span<int> counts = _params.Count <= 16 ? stackalloc int[_params.Count] : new int[_params.Count];
        if (!MatchParams(buf, 0, counts))
        {
            ThrowValidationError(args, new string(buf));
        }

        var suppliedSig = buf;
        var validated = new List<object?>(_params.Count);
        var argIndex = 0;
        for (var index = 0; index < _params.Count; index++)
        {
            var param = _params[index];
            var arg = argIndex < args.Length ? args[argIndex] : null;
            var start = 0;
            for (var k = 0; k < index; k++)
            {
                start += counts[k];
            }

            var match = suppliedSig.Slice(start, counts[index]);
            if (match.Length == 0)
            {
                if (param.Context && param.ContextRegex is not null)
                {
                    var contextType = V.Symbol(context);
                    if (Regex.IsMatch(contextType.ToString(), param.ContextRegex))
                    {
                        validated.Add(context);
                    }
                    else
                    {
                        throw new JsonataException("T0411", null, context) { Index = argIndex + 1 };
                    }
                }
                else
                {
                    validated.Add(arg);
                    argIndex++;
                }
            }
            else
            {
                foreach (var single in match)
                {
                    if (param.Type == "a")
                    {
                        if (single == 'm')
                        {
                            arg = null;
                        }
                        else
                        {
                            arg = argIndex < args.Length ? args[argIndex] : null;
                            var arrayOk = true;
                            if (param.Subtype is not null)
                            {
                                if (single != 'a' && !match.SequenceEqual(param.Subtype))
                                {
                                    arrayOk = false;
                                }
                                else if (single == 'a')
                                {
                                    var l = (JList)arg!;
                                    if (l.Count > 0)
                                    {
                                        var itemType = V.Symbol(l[0]);
                                        if (itemType != param.Subtype[0])
                                        {
                                            arrayOk = false;
                                        }
                                        else
                                        {
                                            foreach (var item in l)
                                            {
                                                if (V.Symbol(item) != itemType)
                                                {
                                                    arrayOk = false;
                                                    break;
                                                }
                                            }
                                        }
                                    }
                                }
                            }

                            if (!arrayOk)
                            {
                                throw new JsonataException("T0412", null, arg) { Index = argIndex + 1, Extra = PluralOf(param.Subtype) };
                            }

                            if (single != 'a')
                            {
                                arg = new JList { arg };
                            }
                        }

                        validated.Add(arg);
                        argIndex++;
                    }
                    else
                    {
                        validated.Add(argIndex < args.Length ? args[argIndex] : null);
                        argIndex++;
                    }
                }
            }
        }

        return validated.ToArray();
    }

    private void ThrowValidationError(object?[] badArgs, string badSig)
    {
        var partialPattern = "^";
        var goodTo = 0;
        foreach (var p in _params)
        {
            partialPattern += p.Regex;
            var match = Regex.Match(badSig, partialPattern);
            if (!match.Success)
            {
                throw new JsonataException("T0410", null, goodTo < badArgs.Length ? badArgs[goodTo] : null) { Index = goodTo + 1 };
            }

            goodTo = match.Length;
        }

        throw new JsonataException("T0410", null, goodTo < badArgs.Length ? badArgs[goodTo] : null) { Index = goodTo + 1 };
    }
}
