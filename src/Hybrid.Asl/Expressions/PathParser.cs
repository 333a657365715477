using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>Raised inside the parsers only; the public entry points turn it into an error text.</summary>
internal sealed class PathSyntaxException(string message) : Exception(message);

/// <summary>A recursive-descent parser for Jayway's JSONPath, including filter expressions.</summary>
internal sealed class PathParser
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _depth;

    public PathParser(string text, int position = 0)
    {
        _text = text;
        _pos = position;
    }

    public int Position => _pos;

    public JsonPath ParseWhole()
    {
        var path = ParsePath(inFilter: false);
        if (_pos != _text.Length)
        {
            throw Error($"unexpected character '{_text[_pos]}'");
        }

        return path;
    }

    /// <summary>Parses one path starting at the current position; stops at the first character that cannot continue it.</summary>
    public JsonPath ParsePath(bool inFilter)
    {
        var start = _pos;
        PathRoot root;
        string? variable = null;
        if (Peek() == '@' && inFilter)
        {
            root = PathRoot.Current;
            _pos++;
        }
        else if (Peek() == '$')
        {
            _pos++;
            if (Peek() == '$')
            {
                _pos++;
                root = PathRoot.Context;
            }
            else if (_pos < _text.Length && IsVariableStart(_text[_pos]))
            {
                var nameStart = _pos;
                while (_pos < _text.Length && IsVariablePart(_text[_pos]))
                {
                    _pos++;
                }

                variable = _text[nameStart.._pos];
                root = PathRoot.Variable;
            }
            else
            {
                root = PathRoot.Input;
            }
        }
        else
        {
            throw Error(_pos >= _text.Length ? "a path must start with '$'" : $"a path must start with '$', not '{_text[_pos]}'");
        }

        var segments = new List<PathSegment>();
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '.')
            {
                if (Peek(1) == '.')
                {
                    _pos += 2;
                    PathSegment inner;
                    if (Peek() == '[')
                    {
                        inner = ParseBracket();
                    }
                    else if (Peek() == '*')
                    {
                        _pos++;
                        inner = WildcardSegment.Instance;
                    }
                    else
                    {
                        inner = new PropertySegment(ReadDotName());
                    }

                    segments.Add(new RecursiveSegment(inner));
                    continue;
                }

                _pos++;
                if (Peek() == '*')
                {
                    _pos++;
                    segments.Add(WildcardSegment.Instance);
                    continue;
                }

                var name = ReadDotName();
                if (Peek() == '(')
                {
                    SkipFunctionArguments();
                    segments.Add(new FunctionSegment(name));
                }
                else
                {
                    segments.Add(new PropertySegment(name));
                }
            }
            else if (c == '[')
            {
                segments.Add(ParseBracket());
            }
            else
            {
                break;
            }
        }

        if (segments.Count > 0 && segments[^1] is MultiPropertySegment multi)
        {
            multi.IsLeaf = true;
        }

        return JsonPath.Create(_text[start.._pos], root, variable, [.. segments]);
    }

    private string ReadDotName()
    {
        var start = _pos;
        while (_pos < _text.Length && !IsDotNameStop(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error(_pos >= _text.Length ? "a property name is missing at the end" : $"a property name is expected before '{_text[_pos]}'");
        }

        return _text[start.._pos];
    }

    private void SkipFunctionArguments()
    {
        var depth = 0;
        do
        {
            if (_pos >= _text.Length)
            {
                throw Error("a function call is not closed with ')'");
            }

            if (_text[_pos] == '(')
            {
                depth++;
            }
            else if (_text[_pos] == ')')
            {
                depth--;
            }

            _pos++;
        }
        while (depth > 0);
    }

    private PathSegment ParseBracket()
    {
        Expect('[');
        SkipSpaces();
        var c = Peek();
        PathSegment segment;
        if (c is '\'' or '"')
        {
            var names = new List<string> { ReadQuoted() };
            SkipSpaces();
            while (Peek() == ',')
            {
                _pos++;
                SkipSpaces();
                names.Add(ReadQuoted());
                SkipSpaces();
            }

            segment = names.Count == 1 ? new PropertySegment(names[0]) : new MultiPropertySegment([.. names]);
        }
        else if (c == '*')
        {
            _pos++;
            SkipSpaces();
            segment = WildcardSegment.Instance;
        }
        else if (c == '?')
        {
            _pos++;
            SkipSpaces();
            Expect('(');
            var filter = ParseOr();
            SkipSpaces();
            Expect(')');
            SkipSpaces();
            segment = new FilterSegment(filter);
        }
        else if (c == ':' || c == '-' || char.IsAsciiDigit(c))
        {
            segment = ParseIndexes();
        }
        else
        {
            throw Error(c == '\0' ? "a bracket is not closed" : $"unexpected character '{c}' in brackets");
        }

        Expect(']');
        return segment;
    }

    private PathSegment ParseIndexes()
    {
        var first = ReadOptionalInt();
        SkipSpaces();
        if (Peek() == ':')
        {
            _pos++;
            SkipSpaces();
            var end = ReadOptionalInt();
            SkipSpaces();
            int? step = null;
            if (Peek() == ':')
            {
                _pos++;
                SkipSpaces();
                step = ReadOptionalInt();
                SkipSpaces();
                if (step == 0)
                {
                    throw Error("a slice step cannot be 0");
                }
            }

            return new SliceSegment(first, end, step);
        }

        if (first is not { } index)
        {
            throw Error("an array index is expected");
        }

        if (Peek() != ',')
        {
            return new IndexSegment(index);
        }

        var indexes = new List<int> { index };
        while (Peek() == ',')
        {
            _pos++;
            SkipSpaces();
            indexes.Add(ReadOptionalInt() ?? throw Error("an array index is expected after ','"));
            SkipSpaces();
        }

        return new IndexUnionSegment([.. indexes]);
    }

    private int? ReadOptionalInt()
    {
        var start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            return null;
        }

        if (_pos == start + 1 && _text[start] == '-')
        {
            throw Error("a digit is expected after '-'");
        }

        return int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error("an array index is too large");
    }

    private string ReadQuoted()
    {
        var quote = Peek();
        if (quote is not ('\'' or '"'))
        {
            throw Error("a quoted name is expected");
        }

        _pos++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("a quoted name is not closed");
            }

            var c = _text[_pos++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c == '\\' && _pos < _text.Length)
            {
                c = _text[_pos++];
            }

            builder.Append(c);
        }
    }

    // Filter expressions: or := and ('||' and)*; and := unary ('&&' unary)*; unary := '!' unary | '(' or ')' | relation.
    private FilterExpression ParseOr()
    {
        Enter();
        var left = ParseAnd();
        SkipSpaces();
        while (Peek() == '|' && Peek(1) == '|')
        {
            _pos += 2;
            left = new OrFilter(left, ParseAnd());
            SkipSpaces();
        }

        _depth--;
        return left;
    }

    private FilterExpression ParseAnd()
    {
        var left = ParseUnary();
        SkipSpaces();
        while (Peek() == '&' && Peek(1) == '&')
        {
            _pos += 2;
            left = new AndFilter(left, ParseUnary());
            SkipSpaces();
        }

        return left;
    }

    private FilterExpression ParseUnary()
    {
        SkipSpaces();
        if (Peek() == '!' && Peek(1) != '=')
        {
            _pos++;
            Enter();
            var inner = ParseUnary();
            _depth--;
            return new NotFilter(inner);
        }

        if (Peek() == '(')
        {
            _pos++;
            var inner = ParseOr();
            SkipSpaces();
            Expect(')');
            return inner;
        }

        var left = ParseOperand();
        SkipSpaces();
        if (TryReadOperator(out var op))
        {
            SkipSpaces();
            var right = ParseOperand();
            if (op == FilterOperator.Regex && right.Regex is null)
            {
                throw Error("the operator =~ needs a regular expression such as /abc/i");
            }

            return new ComparisonFilter(left, op, right);
        }

        if (!left.IsPath)
        {
            throw Error("a comparison operator is expected");
        }

        return new ExistsFilter(left);
    }

    private bool TryReadOperator(out FilterOperator op)
    {
        ReadOnlySpan<(string Text, FilterOperator Op)> symbols =
        [
            ("===", FilterOperator.StrictEqual), ("!==", FilterOperator.StrictNotEqual), ("==", FilterOperator.Equal),
            ("!=", FilterOperator.NotEqual), ("<=", FilterOperator.LessOrEqual), (">=", FilterOperator.GreaterOrEqual),
            ("=~", FilterOperator.Regex), ("<", FilterOperator.Less), (">", FilterOperator.Greater),
        ];
        foreach (var (text, candidate) in symbols)
        {
            if (string.CompareOrdinal(_text, _pos, text, 0, text.Length) == 0)
            {
                _pos += text.Length;
                op = candidate;
                return true;
            }
        }

        ReadOnlySpan<(string Text, FilterOperator Op)> words =
        [
            ("in", FilterOperator.In), ("nin", FilterOperator.NotIn), ("contains", FilterOperator.Contains),
            ("subsetof", FilterOperator.SubsetOf), ("anyof", FilterOperator.AnyOf), ("noneof", FilterOperator.NoneOf),
            ("size", FilterOperator.Size), ("empty", FilterOperator.Empty), ("exists", FilterOperator.Exists),
        ];
        var end = _pos;
        while (end < _text.Length && char.IsAsciiLetter(_text[end]))
        {
            end++;
        }

        var word = _text.AsSpan(_pos, end - _pos);
        foreach (var (text, candidate) in words)
        {
            if (word.SequenceEqual(text))
            {
                _pos = end;
                op = candidate;
                return true;
            }
        }

        op = default;
        return false;
    }

    private FilterOperand ParseOperand()
    {
        SkipSpaces();
        var c = Peek();
        switch (c)
        {
            case '@':
            case '$':
                return FilterOperand.Path(ParsePath(inFilter: true));
            case '\'':
            case '"':
                return FilterOperand.Literal(JsonValue.Create(ReadQuoted()));
            case '/':
                return FilterOperand.Pattern(ReadRegex());
            case '[':
                return FilterOperand.Literal(ReadLiteralList());
            default:
                if (c == '-' || char.IsAsciiDigit(c))
                {
                    return FilterOperand.Literal(ReadNumber());
                }

                if (TryReadWord("true"))
                {
                    return FilterOperand.Literal(JsonValue.Create(true));
                }

                if (TryReadWord("false"))
                {
                    return FilterOperand.Literal(JsonValue.Create(false));
                }

                if (TryReadWord("null"))
                {
                    return FilterOperand.Literal(null);
                }

                throw Error(c == '\0' ? "a filter is not complete" : $"unexpected character '{c}' in a filter");
        }
    }

    private JsonArray ReadLiteralList()
    {
        Expect('[');
        var list = new JsonArray();
        SkipSpaces();
        if (Peek() == ']')
        {
            _pos++;
            return list;
        }

        while (true)
        {
            SkipSpaces();
            var c = Peek();
            if (c is '\'' or '"')
            {
                list.Add(JsonValue.Create(ReadQuoted()));
            }
            else if (c == '-' || char.IsAsciiDigit(c))
            {
                list.Add(ReadNumber());
            }
            else if (TryReadWord("true"))
            {
                list.Add(JsonValue.Create(true));
            }
            else if (TryReadWord("false"))
            {
                list.Add(JsonValue.Create(false));
            }
            else if (TryReadWord("null"))
            {
                list.Add(null);
            }
            else
            {
                throw Error("a literal is expected in a list");
            }

            SkipSpaces();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect(']');
            return list;
        }
    }

    private JsonNode ReadNumber()
    {
        var start = _pos;
        _pos = ScanNumber(_text, _pos);
        return ParseNumber(_text[start.._pos]) ?? throw Error($"'{_text[start.._pos]}' is not a number");
    }

    /// <summary>The end of the number-like token (sign, digits, '.', exponent) that starts at <paramref name="start"/>.</summary>
    internal static int ScanNumber(string text, int start)
    {
        var pos = start;
        if (pos < text.Length && text[pos] == '-')
        {
            pos++;
        }

        while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] is '.' or 'e' or 'E'
                   || (text[pos] is '+' or '-' && text[pos - 1] is 'e' or 'E')))
        {
            pos++;
        }

        return pos;
    }

    /// <summary>The token as a JSON number node (its text kept), or null when it is not a JSON number.</summary>
    internal static JsonNode? ParseNumber(string token)
    {
        try
        {
            return token.Length > 0 && AslJson.Parse(token) is JsonValue number && JsonNumbers.IsNumber(number) ? number : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private Regex ReadRegex()
    {
        Expect('/');
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("a regular expression is not closed with '/'");
            }

            var c = _text[_pos++];
            if (c == '/')
            {
                break;
            }

            if (c == '\\' && Peek() == '/')
            {
                c = '/';
                _pos++;
            }
            else if (c == '\\' && _pos < _text.Length)
            {
                builder.Append(c);
                c = _text[_pos++];
            }

            builder.Append(c);
        }

        var options = RegexOptions.CultureInvariant;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos]))
        {
            options |= _text[_pos] switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                _ => throw Error($"unknown regular expression flag '{_text[_pos]}'"),
            };
            _pos++;
        }

        try
        {
            // Java's Matcher.matches(): the whole input must match.
            return new Regex($"\\A(?:{builder})\\z", options, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw Error($"invalid regular expression: {e.Message}");
        }
    }

    private bool TryReadWord(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0
            && (_pos + word.Length >= _text.Length || !char.IsAsciiLetterOrDigit(_text[_pos + word.Length])))
        {
            _pos += word.Length;
            return true;
        }

        return false;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("the filter is nested too deeply");
        }
    }

    private void Expect(char c)
    {
        if (Peek() != c || _pos >= _text.Length)
        {
            throw Error(_pos >= _text.Length ? $"'{c}' is expected at the end" : $"'{c}' is expected, not '{_text[_pos]}'");
        }

        _pos++;
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && _text[_pos] == ' ')
        {
            _pos++;
        }
    }

    private char Peek(int offset = 0) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private PathSyntaxException Error(string message) =>
        new($"Invalid JSONPath '{_text}': {message} at position {_pos.ToString(CultureInfo.InvariantCulture)}.");

    private static bool IsDotNameStop(char c) =>
        c is '.' or '[' or '(' or ')' or ' ' or '<' or '>' or '=' or '!' or '&' or '|' or ',' or ']' or '\'' or '"' or '?' or '~';

    /// <summary>AWS variable names: a letter or underscore, then letters, digits and underscores.</summary>
    internal static bool IsVariableStart(char c) => char.IsLetter(c) || c == '_';

    internal static bool IsVariablePart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
