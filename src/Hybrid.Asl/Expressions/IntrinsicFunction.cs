using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Hybrid.Asl.Expressions;

/// <summary>The intrinsic functions of the Amazon States Language.</summary>
public enum IntrinsicKind
{
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    UUID,
}

/// <summary>
/// A parsed intrinsic function call such as <c>States.Format('Hello {}', $.name)</c>, with nested calls, parsed once
/// and evaluated many times.
/// </summary>
public sealed class IntrinsicFunction
{
    private static readonly Dictionary<string, (IntrinsicKind Kind, int Min, int Max)> Signatures = new(StringComparer.Ordinal)
    {
        ["States.Format"] = (IntrinsicKind.Format, 1, int.MaxValue),
        ["States.StringToJson"] = (IntrinsicKind.StringToJson, 1, 1),
        ["States.JsonToString"] = (IntrinsicKind.JsonToString, 1, 1),
        ["States.Array"] = (IntrinsicKind.Array, 0, int.MaxValue),
        ["States.ArrayPartition"] = (IntrinsicKind.ArrayPartition, 2, 2),
        ["States.ArrayContains"] = (IntrinsicKind.ArrayContains, 2, 2),
        ["States.ArrayRange"] = (IntrinsicKind.ArrayRange, 3, 3),
        ["States.ArrayGetItem"] = (IntrinsicKind.ArrayGetItem, 2, 2),
        ["States.ArrayLength"] = (IntrinsicKind.ArrayLength, 1, 1),
        ["States.ArrayUnique"] = (IntrinsicKind.ArrayUnique, 1, 1),
        ["States.Base64Encode"] = (IntrinsicKind.Base64Encode, 1, 1),
        ["States.Base64Decode"] = (IntrinsicKind.Base64Decode, 1, 1),
        ["States.Hash"] = (IntrinsicKind.Hash, 2, 2),
        ["States.JsonMerge"] = (IntrinsicKind.JsonMerge, 3, 3),
        ["States.MathRandom"] = (IntrinsicKind.MathRandom, 2, 3),
        ["States.MathAdd"] = (IntrinsicKind.MathAdd, 2, 2),
        ["States.StringSplit"] = (IntrinsicKind.StringSplit, 2, 2),
        ["States.UUID"] = (IntrinsicKind.UUID, 0, 0),
    };

    private IntrinsicFunction(string text, string name, IntrinsicKind kind, IntrinsicArgument[] arguments, FormatTemplate? format)
    {
        Text = text;
        Name = name;
        Kind = kind;
        Arguments = arguments;
        LiteralFormat = format;
    }

    /// <summary>The call as written (for a nested call, its own text).</summary>
    public string Text { get; }

    /// <summary>The function's name, such as <c>States.Format</c>.</summary>
    public string Name { get; }

    /// <summary>Which function this is.</summary>
    public IntrinsicKind Kind { get; }

    internal IntrinsicArgument[] Arguments { get; }

    /// <summary>The pre-split template of a <c>States.Format</c> whose first argument is a literal.</summary>
    internal FormatTemplate? LiteralFormat { get; }

    /// <summary>True when the text starts like an intrinsic function call (<c>States.</c>).</summary>
    public static bool LooksLikeIntrinsic(string? text) => text is not null && text.StartsWith("States.", StringComparison.Ordinal);

    /// <summary>Parses an intrinsic function call; never throws. The error names what is wrong and the position.</summary>
    public static bool TryParse(string? text, out IntrinsicFunction? function, out string? error)
    {
        function = null;
        if (text is null)
        {
            error = "An intrinsic function must be a string.";
            return false;
        }

        try
        {
            var parser = new IntrinsicParser(text);
            function = parser.ParseWhole();
            error = null;
            return true;
        }
        catch (PathSyntaxException e)
        {
            error = e.Message;
            return false;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InsufficientExecutionStackException)
        {
            error = $"Invalid intrinsic function '{text}': {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// Evaluates the call. Its result is always new JSON (never a node of the context). Bad arguments raise
    /// States.Runtime; a missing path argument raises <paramref name="missingPathError"/> with the
    /// "could not be found" cause for <paramref name="fieldName"/>.
    /// </summary>
    public JsonNode? Evaluate(ExpressionContext context, string missingPathError, string fieldName)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IntrinsicEvaluator.Evaluate(this, new IntrinsicEnvironment(context, missingPathError, fieldName));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    internal static bool TryGetSignature(string name, out (IntrinsicKind Kind, int Min, int Max) signature) =>
        Signatures.TryGetValue(name, out signature);

    internal static IntrinsicFunction Create(string text, string name, IntrinsicKind kind, IntrinsicArgument[] arguments, FormatTemplate? format) =>
        new(text, name, kind, arguments, format);
}

/// <summary>What evaluation needs besides the call: the context, and how to report a missing path argument.</summary>
internal readonly record struct IntrinsicEnvironment(ExpressionContext Context, string MissingPathError, string FieldName);

/// <summary>One argument of an intrinsic call.</summary>
internal abstract class IntrinsicArgument
{
    /// <summary>The value; may be a node of the context (adopt before re-parenting).</summary>
    public abstract JsonNode? Evaluate(in IntrinsicEnvironment environment);
}

internal sealed class LiteralArgument(JsonNode? value, string? raw) : IntrinsicArgument
{
    public JsonNode? Value { get; } = value;

    /// <summary>For a string literal, its text with the escapes still in place (States.Format needs them).</summary>
    public string? Raw { get; } = raw;

    public override JsonNode? Evaluate(in IntrinsicEnvironment environment) => Value?.DeepClone();
}

internal sealed class PathArgument(JsonPath path) : IntrinsicArgument
{
    public JsonPath Path { get; } = path;

    public override JsonNode? Evaluate(in IntrinsicEnvironment environment)
    {
        if (Path.TryEvaluate(environment.Context, out var value))
        {
            return value;
        }

        throw new Errors.AslException(
            environment.MissingPathError,
            JsonPathErrors.FieldNotFound(Path.Text, environment.FieldName, environment.Context.Input));
    }
}

internal sealed class CallArgument(IntrinsicFunction call) : IntrinsicArgument
{
    public IntrinsicFunction Call { get; } = call;

    public override JsonNode? Evaluate(in IntrinsicEnvironment environment) => IntrinsicEvaluator.Evaluate(Call, environment);
}

/// <summary>A States.Format template split at its <c>{}</c> placeholders: n pieces for n - 1 placeholders.</summary>
internal sealed class FormatTemplate(string[] pieces)
{
    public string[] Pieces { get; } = pieces;

    public int Placeholders => Pieces.Length - 1;

    /// <summary>Splits a literal's raw text: <c>\x</c> is the character x, <c>{}</c> is a placeholder.</summary>
    public static FormatTemplate FromRaw(string raw)
    {
        var pieces = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                current.Append(raw[++i]);
            }
            else if (c == '{' && i + 1 < raw.Length && raw[i + 1] == '}')
            {
                pieces.Add(current.ToString());
                current.Clear();
                i++;
            }
            else
            {
                current.Append(c);
            }
        }

        pieces.Add(current.ToString());
        return new FormatTemplate([.. pieces]);
    }

    /// <summary>Splits a template that came from the input: only <c>{}</c> is special.</summary>
    public static FormatTemplate FromValue(string value) =>
        new(value.Split("{}", StringSplitOptions.None));
}

/// <summary>Parses intrinsic calls: <c>States.Name(arg, ...)</c> with literal, path and nested-call arguments.</summary>
internal sealed class IntrinsicParser(string text)
{
    /// <summary>AWS allows intrinsic functions nested up to 10 deep in one field.</summary>
    private const int MaxDepth = 10;
    private int _pos;
    private int _depth;

    public IntrinsicFunction ParseWhole()
    {
        SkipSpaces();
        var call = ParseCall();
        SkipSpaces();
        if (_pos != text.Length)
        {
            throw Error($"unexpected '{text[_pos]}' after the closing ')'");
        }

        return call;
    }

    private IntrinsicFunction ParseCall()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("intrinsic functions are nested too deeply");
        }

        var start = _pos;
        if (string.CompareOrdinal(text, _pos, "States.", 0, 7) != 0)
        {
            throw Error("an intrinsic function must start with 'States.'");
        }

        _pos += 7;
        while (_pos < text.Length && char.IsAsciiLetterOrDigit(text[_pos]))
        {
            _pos++;
        }

        var name = text[start.._pos];
        if (!IntrinsicFunction.TryGetSignature(name, out var signature))
        {
            _pos = start;
            throw Error($"'{name}' is not an intrinsic function");
        }

        SkipSpaces();
        Expect('(');
        var arguments = new List<IntrinsicArgument>();
        SkipSpaces();
        if (Peek() == ')')
        {
            _pos++;
        }
        else
        {
            while (true)
            {
                SkipSpaces();
                arguments.Add(ParseArgument());
                SkipSpaces();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }

                Expect(')');
                break;
            }
        }

        if (arguments.Count < signature.Min || arguments.Count > signature.Max)
        {
            var expected = signature.Min == signature.Max
                ? signature.Min.ToString(CultureInfo.InvariantCulture)
                : signature.Max == int.MaxValue
                    ? $"at least {signature.Min.ToString(CultureInfo.InvariantCulture)}"
                    : $"{signature.Min.ToString(CultureInfo.InvariantCulture)} or {signature.Max.ToString(CultureInfo.InvariantCulture)}";
            _pos = start;
            throw Error($"{name} takes {expected} argument{(expected == "1" ? string.Empty : "s")}, not {arguments.Count.ToString(CultureInfo.InvariantCulture)}");
        }

        FormatTemplate? format = null;
        if (signature.Kind == IntrinsicKind.Format)
        {
            if (arguments[0] is LiteralArgument { Raw: { } raw })
            {
                format = FormatTemplate.FromRaw(raw);
                if (format.Placeholders != arguments.Count - 1)
                {
                    _pos = start;
                    throw Error($"States.Format has {format.Placeholders.ToString(CultureInfo.InvariantCulture)} '{{}}' placeholder(s) but {(arguments.Count - 1).ToString(CultureInfo.InvariantCulture)} argument(s) to put in them");
                }
            }
            else if (arguments[0] is LiteralArgument)
            {
                _pos = start;
                throw Error("the first argument of States.Format must be a string");
            }
        }

        _depth--;
        return IntrinsicFunction.Create(text[start.._pos], name, signature.Kind, [.. arguments], format);
    }

    private IntrinsicArgument ParseArgument()
    {
        var c = Peek();
        if (c == '\'')
        {
            return ParseString();
        }

        if (c == '$')
        {
            var parser = new PathParser(text, _pos);
            var path = parser.ParsePath(inFilter: false);
            _pos = parser.Position;
            return new PathArgument(path);
        }

        if (c == 'S' && string.CompareOrdinal(text, _pos, "States.", 0, 7) == 0)
        {
            return new CallArgument(ParseCall());
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            return ParseNumber();
        }

        foreach (var (word, value) in (ReadOnlySpan<(string, JsonNode?)>)[("true", JsonValue.Create(true)), ("false", JsonValue.Create(false)), ("null", null)])
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0
                && (_pos + word.Length >= text.Length || !char.IsAsciiLetterOrDigit(text[_pos + word.Length])))
            {
                _pos += word.Length;
                return new LiteralArgument(value, null);
            }
        }

        throw Error(c == '\0' ? "an argument is expected" : $"unexpected '{c}': an argument must be a 'string', a number, true, false, null, a path or an intrinsic function");
    }

    private LiteralArgument ParseString()
    {
        Expect('\'');
        var start = _pos;
        var value = new StringBuilder();
        while (true)
        {
            if (_pos >= text.Length)
            {
                throw Error("a string is not closed with '");
            }

            var c = text[_pos];
            if (c == '\'')
            {
                var raw = text[start.._pos];
                _pos++;
                return new LiteralArgument(JsonValue.Create(value.ToString()), raw);
            }

            if (c == '\\')
            {
                if (_pos + 1 >= text.Length || text[_pos + 1] is not ('\'' or '{' or '}' or '\\'))
                {
                    throw Error("an open escape: only \\', \\{, \\} and \\\\ may follow a backslash in a string");
                }

                value.Append(text[_pos + 1]);
                _pos += 2;
                continue;
            }

            value.Append(c);
            _pos++;
        }
    }

    private LiteralArgument ParseNumber()
    {
        var start = _pos;
        var end = PathParser.ScanNumber(text, _pos);
        var token = text[start..end];
        if (PathParser.ParseNumber(token) is { } number)
        {
            _pos = end;
            return new LiteralArgument(number, null);
        }

        throw Error($"'{token}' is not a number");
    }

    private void Expect(char c)
    {
        if (Peek() != c || _pos >= text.Length)
        {
            throw Error(_pos >= text.Length ? $"'{c}' is expected at the end" : $"'{c}' is expected, not '{text[_pos]}'");
        }

        _pos++;
    }

    private void SkipSpaces()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
        {
            _pos++;
        }
    }

    private char Peek() => _pos < text.Length ? text[_pos] : '\0';

    private PathSyntaxException Error(string message) =>
        new($"Invalid intrinsic function '{text}': {message} at position {_pos.ToString(CultureInfo.InvariantCulture)}.");
}
