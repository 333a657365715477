using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hybrid.Jsonata.Internal;

internal sealed class Token
{
    public required string Type; // name, variable, operator, string, number, value, regex, (end)
    public object? Value;
    public int Position;
}

/// <summary>A parsed regular expression literal.</summary>
internal sealed class RegexLiteral
{
    public required string Pattern;
    public required string Flags;
}

internal sealed class AncestorSlot
{
    public required string Label;
    public int Level;
    public int Index;
}

internal sealed class SortTerm
{
    public bool Descending;
    public required Ast Expression;
}

internal sealed class Stage
{
    public required string Type; // filter or index
    public Ast? Expr;
    public string? Value;
    public int Position;
}

internal sealed class GroupSpec
{
    public required List<(Ast Key, Ast Value)> Pairs;
    public int Position;
}

/// <summary>The syntax tree, shaped like the reference implementation's (so its post-processing ports directly).</summary>
internal sealed class Ast
{
    public required string Type;
    public object? Value;
    public int Position;
    public string Id = "";

    public Ast? Lhs;
    public Ast? Rhs;
    public Ast? Expression;
    public List<Ast>? Expressions;
    public List<(Ast Key, Ast Value)>? Pairs; // object constructor / grouping
    public List<SortTerm>? Terms;
    public List<Ast>? Steps;
    public List<Stage>? Predicate;
    public List<Stage>? Stages;
    public GroupSpec? Group;
    public string? Focus;
    public string? Index;
    public bool Tuple;
    public AncestorSlot? Ancestor;
    public AncestorSlot? Slot;
    public List<AncestorSlot>? SeekingParent;
    public bool KeepArray;
    public bool KeepSingletonArray;
    public bool ConsArray;
    public Ast? Procedure;
    public List<Ast>? Arguments;
    public Ast? Body;
    public Signature? Signature;
    public bool Thunk;
    public Ast? Condition;
    public Ast? Then;
    public Ast? Else;
    public Ast? Pattern;
    public Ast? Update;
    public Ast? Delete;
    public string? NextFunction;
}

internal sealed class Lexer
{
    private readonly string _path;
    private int _position;

    public Lexer(string path) => _path = path;

    private char At(int i) => i >= 0 && i < _path.Length ? _path[i] : '\0';

    private Token Create(string type, object? value) => new() { Type = type, Value = value, Position = _position };

    private static bool IsWs(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v';

    internal static bool IsOperatorChar(char c) => c switch
    {
        '.' or '[' or ']' or '{' or '}' or '(' or ')' or ',' or '@' or '#' or ';' or ':' or '?' or '+' or '-' or '*' or '/'
            or '%' or '|' or '=' or '<' or '>' or '^' or '&' or '!' or '~' => true,
        _ => false,
    };

    private RegexLiteral ScanRegex()
    {
        var start = _position;
        var depth = 0;
        bool IsClosingSlash(int position)
        {
            if (At(position) == '/' && depth == 0)
            {
                var backslashCount = 0;
                while (At(position - (backslashCount + 1)) == '\\')
                {
                    backslashCount++;
                }

                if (backslashCount % 2 == 0)
                {
                    return true;
                }
            }

            return false;
        }

        while (_position < _path.Length)
        {
            var currentChar = At(_position);
            if (IsClosingSlash(_position))
            {
                var pattern = _path[start.._position];
                if (pattern.Length == 0)
                {
                    throw new JsonataException("S0301", _position);
                }

                _position++;
                currentChar = At(_position);
                start = _position;
                while (currentChar is 'i' or 'm')
                {
                    _position++;
                    currentChar = At(_position);
                }

                var flags = _path[start.._position] + "g";
                return new RegexLiteral { Pattern = pattern, Flags = flags };
            }

            if (currentChar is '(' or '[' or '{' && At(_position - 1) != '\\')
            {
                depth++;
            }

            if (currentChar is ')' or ']' or '}' && At(_position - 1) != '\\')
            {
                depth--;
            }

            _position++;
        }

        throw new JsonataException("S0302", _position);
    }

    public Token? Next(bool prefix)
    {
        while (true)
        {
            if (_position >= _path.Length)
            {
                return null;
            }

            var currentChar = At(_position);
            while (_position < _path.Length && IsWs(currentChar))
            {
                _position++;
                currentChar = At(_position);
            }

            if (currentChar == '/' && At(_position + 1) == '*')
            {
                var commentStart = _position;
                _position += 2;
                currentChar = At(_position);
                while (!(currentChar == '*' && At(_position + 1) == '/'))
                {
                    currentChar = At(++_position);
                    if (_position >= _path.Length)
                    {
                        throw new JsonataException("S0106", commentStart);
                    }
                }

                _position += 2;
                continue;
            }

            return NextToken(prefix, currentChar);
        }
    }

    private Token? NextToken(bool prefix, char currentChar)
    {
        if (!prefix && currentChar == '/')
        {
            _position++;
            return Create("regex", ScanRegex());
        }

        var next = At(_position + 1);
        string? two = (currentChar, next) switch
        {
            ('.', '.') => "..",
            (':', '=') => ":=",
            ('!', '=') => "!=",
            ('>', '=') => ">=",
            ('<', '=') => "<=",
            ('*', '*') => "**",
            ('~', '>') => "~>",
            _ => null,
        };
        if (two is not null)
        {
            _position += 2;
            return Create("operator", two);
        }

        if (IsOperatorChar(currentChar))
        {
            _position++;
            return Create("operator", currentChar.ToString());
        }

        if (currentChar is '"' or '\'')
        {
            var quoteType = currentChar;
            _position++;
            var qstr = new StringBuilder();
            while (_position < _path.Length)
            {
                currentChar = At(_position);
                if (currentChar == '\\')
                {
                    _position++;
                    currentChar = At(_position);
                    switch (currentChar)
                    {
                        case '"': qstr.Append('"'); break;
                        case '\\': qstr.Append('\\'); break;
                        case '/': qstr.Append('/'); break;
                        case 'b': qstr.Append('\b'); break;
                        case 'f': qstr.Append('\f'); break;
                        case 'n': qstr.Append('\n'); break;
                        case 'r': qstr.Append('\r'); break;
                        case 't': qstr.Append('\t'); break;
                        case 'u':
                            var octets = _position + 5 <= _path.Length ? _path.Substring(_position + 1, 4) : "";
                            if (octets.Length == 4 && IsHex(octets))
                            {
                                qstr.Append((char)int.Parse(octets, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                                _position += 4;
                            }
                            else
                            {
                                throw new JsonataException("S0104", _position);
                            }

                            break;
                        default:
                            throw new JsonataException("S0103", _position, token: currentChar.ToString());
                    }
                }
                else if (currentChar == quoteType)
                {
                    _position++;
                    return Create("string", qstr.ToString());
                }
                else
                {
                    qstr.Append(currentChar);
                }

                _position++;
            }

            throw new JsonataException("S0101", _position);
        }

        var numLen = MatchNumber(_position);
        if (numLen > 0)
        {
            var text = _path.Substring(_position, numLen);
            var num = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsNaN(num) && !double.IsInfinity(num))
            {
                _position += numLen;
                return Create("number", num);
            }

            throw new JsonataException("S0102", _position, token: text);
        }

        if (currentChar == '`')
        {
            _position++;
            var end = _path.IndexOf('`', _position);
            if (end != -1)
            {
                var name = _path[_position..end];
                _position = end + 1;
                return Create("name", name);
            }

            _position = _path.Length;
            throw new JsonataException("S0105", _position);
        }

        var i = _position;
        for (; ; )
        {
            var ch = At(i);
            if (i == _path.Length || IsWs(ch) || IsOperatorChar(ch))
            {
                if (At(_position) == '$')
                {
                    var name = _path.Substring(_position + 1, i - _position - 1);
                    _position = i;
                    return Create("variable", string.Intern(name));
                }
                else
                {
                    var name = _path[_position..i];
                    _position = i;
                    switch (name)
                    {
                        case "or":
                        case "in":
                        case "and":
                            return Create("operator", name);
                        case "true":
                            return Create("value", V.True);
                        case "false":
                            return Create("value", V.False);
                        case "null":
                            return Create("value", JNull.Instance);
                        default:
                            if (_position == _path.Length && name.Length == 0)
                            {
                                return null;
                            }

                            return Create("name", string.Intern(name));
                    }
                }
            }

            i++;
        }
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // /^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?/
    private int MatchNumber(int p)
    {
        var i = p;
        if (At(i) == '-')
        {
            i++;
        }

        if (At(i) == '0')
        {
            i++;
        }
        else if (At(i) is >= '1' and <= '9')
        {
            while (At(i) is >= '0' and <= '9')
            {
                i++;
            }
        }
        else
        {
            return 0;
        }

        if (At(i) == '.' && At(i + 1) is >= '0' and <= '9')
        {
            i++;
            while (At(i) is >= '0' and <= '9')
            {
                i++;
            }
        }

        if (At(i) is 'e' or 'E')
        {
            var j = i + 1;
            if (At(j) is '+' or '-')
            {
                j++;
            }

            if (At(j) is >= '0' and <= '9')
            {
                while (At(j) is >= '0' and <= '9')
                {
                    j++;
                }

                i = j;
            }
        }

        return i - p;
    }
}

/// <summary>Pratt parser and post-processor: a port of the reference implementation's parser.js.</summary>
internal sealed class Parser
{
    private readonly string _source;
    private readonly Lexer _lexer;
    private Ast _node = null!;
    private int _ancestorLabel;
    private int _ancestorIndex;
    private readonly List<Ast> _ancestry = [];

    private Parser(string source)
    {
        _source = source;
        _lexer = new Lexer(source);
    }

    public static Ast Parse(string source)
    {
        var p = new Parser(source);
        p.Advance();
        var expr = p.Expression(0);
        if (p._node.Id != "(end)")
        {
            throw new JsonataException("S0201", p._node.Position, token: TokenText(p._node.Value));
        }

        expr = p.ProcessAst(expr);
        if (expr.Type == "parent" || expr.SeekingParent is not null)
        {
            throw new JsonataException("S0217", expr.Position, token: expr.Type);
        }

        return expr;
    }

    internal static string? TokenText(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => JsText.NumberToString(d),
        bool b => b ? "true" : "false",
        JNull => "null",
        RegexLiteral r => "/" + r.Pattern + "/",
        _ => value.ToString(),
    };

    private static int Lbp(string id) => id switch
    {
        "." => 75,
        "[" or "(" or "@" or "#" => 80,
        "{" => 70,
        "?" => 20,
        "+" or "-" or "&" => 50,
        "*" or "/" or "%" => 60,
        "=" or "<" or ">" or "^" or "!=" or "<=" or ">=" or "~>" or "in" => 40,
        ":=" => 10,
        "and" => 30,
        "or" => 25,
        _ => 0,
    };

    private static bool IsKnownSymbol(string id) => id switch
    {
        ":" or ";" or "," or ")" or "]" or "}" or ".." or "." or "+" or "-" or "*" or "/" or "%" or "=" or "<" or ">"
            or "!=" or "<=" or ">=" or "&" or "and" or "or" or "in" or "~>" or "**" or "(" or "[" or "^" or "{" or ":="
            or "@" or "#" or "?" or "|" => true,
        _ => false,
    };

    private Ast Advance(string? id = null, bool infix = false)
    {
        if (id is not null && _node.Id != id)
        {
            var code = _node.Id == "(end)" ? "S0203" : "S0202";
            throw new JsonataException(code, _node.Position, id, TokenText(_node.Value));
        }

        var nextToken = _lexer.Next(infix);
        if (nextToken is null)
        {
            _node = new Ast { Type = "(end)", Id = "(end)", Value = "(end)", Position = _source.Length };
            return _node;
        }

        var value = nextToken.Value;
        var type = nextToken.Type;
        string symbolId;
        switch (type)
        {
            case "name":
            case "variable":
                symbolId = "(name)";
                break;
            case "operator":
                symbolId = (string)value!;
                if (!IsKnownSymbol(symbolId))
                {
                    throw new JsonataException("S0204", nextToken.Position, token: symbolId);
                }

                break;
            case "string":
            case "number":
            case "value":
                symbolId = "(literal)";
                break;
            case "regex":
                symbolId = "(regex)";
                break;
            default:
                throw new JsonataException("S0205", nextToken.Position, token: TokenText(value));
        }

        _node = new Ast { Type = type, Value = value, Position = nextToken.Position, Id = symbolId };
        return _node;
    }

    private Ast Expression(int rbp)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JsonataException("U1001", _node.Position) { Detail = "Expression is nested too deeply" };
        }

        var t = _node;
        Advance(null, true);
        var left = Nud(t);
        while (rbp < Lbp(_node.Id))
        {
            t = _node;
            Advance();
            left = Led(t, left);
        }

        return left;
    }

    private Ast Nud(Ast self)
    {
        switch (self.Id)
        {
            case "(end)":
            case "(name)":
            case "(literal)":
            case "(regex)":
            case "and":
            case "or":
            case "in":
                return self;
            case "-":
                self.Expression = Expression(70);
                self.Type = "unary";
                return self;
            case "*":
                self.Type = "wildcard";
                return self;
            case "**":
                self.Type = "descendant";
                return self;
            case "%":
                self.Type = "parent";
                return self;
            case "(":
            {
                var expressions = new List<Ast>();
                while (_node.Id != ")")
                {
                    expressions.Add(Expression(0));
                    if (_node.Id != ";")
                    {
                        break;
                    }

                    Advance(";");
                }

                Advance(")", true);
                self.Type = "block";
                self.Expressions = expressions;
                return self;
            }

            case "[":
            {
                var a = new List<Ast>();
                if (_node.Id != "]")
                {
                    for (; ; )
                    {
                        var item = Expression(0);
                        if (_node.Id == "..")
                        {
                            var range = new Ast { Type = "binary", Value = "..", Position = _node.Position, Lhs = item };
                            Advance("..");
                            range.Rhs = Expression(0);
                            item = range;
                        }

                        a.Add(item);
                        if (_node.Id != ",")
                        {
                            break;
                        }

                        Advance(",");
                    }
                }

                Advance("]", true);
                self.Expressions = a;
                self.Type = "unary";
                return self;
            }

            case "{":
                return ObjectParser(self, null);
            case "|":
                self.Type = "transform";
                self.Pattern = Expression(0);
                Advance("|");
                self.Update = Expression(0);
                if (_node.Id == ",")
                {
                    Advance(",");
                    self.Delete = Expression(0);
                }

                Advance("|");
                return self;
            default:
                throw new JsonataException("S0211", self.Position, token: TokenText(self.Value));
        }
    }

    private Ast ObjectParser(Ast self, Ast? left)
    {
        var a = new List<(Ast, Ast)>();
        if (_node.Id != "}")
        {
            for (; ; )
            {
                var n = Expression(0);
                Advance(":");
                var v = Expression(0);
                a.Add((n, v));
                if (_node.Id != ",")
                {
                    break;
                }

                Advance(",");
            }
        }

        Advance("}", true);
        if (left is null)
        {
            self.Pairs = a;
            self.Type = "unary";
        }
        else
        {
            self.Lhs = left;
            self.Pairs = a;
            self.Type = "binary";
        }

        return self;
    }

    private Ast Led(Ast self, Ast left)
    {
        switch (self.Id)
        {
            case "(":
            {
                self.Procedure = left;
                self.Type = "function";
                self.Arguments = [];
                if (_node.Id != ")")
                {
                    for (; ; )
                    {
                        if (_node.Type == "operator" && _node.Id == "?")
                        {
                            self.Type = "partial";
                            self.Arguments.Add(_node);
                            Advance("?");
                        }
                        else
                        {
                            self.Arguments.Add(Expression(0));
                        }

                        if (_node.Id != ",")
                        {
                            break;
                        }

                        Advance(",");
                    }
                }

                Advance(")", true);
                if (left.Type == "name" && (Equals(left.Value, "function") || Equals(left.Value, "\u03BB")))
                {
                    for (var index = 0; index < self.Arguments.Count; index++)
                    {
                        var arg = self.Arguments[index];
                        if (arg.Type != "variable")
                        {
                            throw new JsonataException("S0208", arg.Position, index + 1, TokenText(arg.Value));
                        }
                    }

                    self.Type = "lambda";
                    if (_node.Id == "<")
                    {
                        var sigPos = _node.Position;
                        var depth = 1;
                        var sig = new StringBuilder("<");
                        while (depth > 0 && _node.Id != "{" && _node.Id != "(end)")
                        {
                            var tok = Advance();
                            if (tok.Id == ">")
                            {
                                depth--;
                            }
                            else if (tok.Id == "<")
                            {
                                depth++;
                            }

                            sig.Append(TokenText(tok.Value));
                        }

                        Advance(">");
                        try
                        {
                            self.Signature = Signature.Parse(sig.ToString());
                        }
                        catch (JsonataException err)
                        {
                            err.Position = sigPos + err.Position;
                            throw;
                        }
                    }

                    Advance("{");
                    self.Body = Expression(0);
                    Advance("}");
                }

                return self;
            }

            case "[":
            {
                if (_node.Id == "]")
                {
                    var step = left;
                    while (step is { Type: "binary" } && Equals(step.Value, "["))
                    {
                        step = step.Lhs!;
                    }

                    step.KeepArray = true;
                    Advance("]");
                    return left;
                }

                self.Lhs = left;
                self.Rhs = Expression(0);
                self.Type = "binary";
                Advance("]", true);
                return self;
            }

            case "^":
            {
                Advance("(");
                var terms = new List<SortTerm>();
                for (; ; )
                {
                    var descending = false;
                    if (_node.Id == "<")
                    {
                        Advance("<");
                    }
                    else if (_node.Id == ">")
                    {
                        descending = true;
                        Advance(">");
                    }

                    terms.Add(new SortTerm { Descending = descending, Expression = Expression(0) });
                    if (_node.Id != ",")
                    {
                        break;
                    }

                    Advance(",");
                }

                Advance(")");
                self.Lhs = left;
                self.Terms = terms;
                self.Type = "binary";
                return self;
            }

            case "{":
                return ObjectParser(self, left);
            case ":=":
                if (left.Type != "variable")
                {
                    throw new JsonataException("S0212", left.Position, token: TokenText(left.Value));
                }

                self.Lhs = left;
                self.Rhs = Expression(9);
                self.Type = "binary";
                return self;
            case "@":
            case "#":
                self.Lhs = left;
                self.Rhs = Expression(80);
                if (self.Rhs.Type != "variable")
                {
                    throw new JsonataException("S0214", self.Rhs.Position, token: self.Id);
                }

                self.Type = "binary";
                return self;
            case "?":
                self.Type = "condition";
                self.Condition = left;
                self.Then = Expression(0);
                if (_node.Id == ":")
                {
                    Advance(":");
                    self.Else = Expression(0);
                }

                return self;
            default:
                // plain infix operators
                var bp = Lbp(self.Id);
                self.Lhs = left;
                self.Rhs = Expression(bp);
                self.Type = "binary";
                return self;
        }
    }

    private static Ast TailCallOptimize(Ast expr)
    {
        if (expr.Type == "function" && expr.Predicate is null)
        {
            return new Ast { Type = "lambda", Thunk = true, Arguments = [], Position = expr.Position, Body = expr };
        }

        if (expr.Type == "condition")
        {
            expr.Then = TailCallOptimize(expr.Then!);
            if (expr.Else is not null)
            {
                expr.Else = TailCallOptimize(expr.Else);
            }

            return expr;
        }

        if (expr.Type == "block")
        {
            var n = expr.Expressions!.Count;
            if (n > 0)
            {
                expr.Expressions[n - 1] = TailCallOptimize(expr.Expressions[n - 1]);
            }

            return expr;
        }

        return expr;
    }

    private AncestorSlot SeekParent(Ast node, AncestorSlot slot)
    {
        switch (node.Type)
        {
            case "name":
            case "wildcard":
                slot.Level--;
                if (slot.Level == 0)
                {
                    if (node.Ancestor is null)
                    {
                        node.Ancestor = slot;
                    }
                    else
                    {
                        _ancestry[slot.Index].Slot!.Label = node.Ancestor.Label;
                        node.Ancestor = slot;
                    }

                    node.Tuple = true;
                }

                break;
            case "parent":
                slot.Level++;
                break;
            case "block":
                if (node.Expressions!.Count > 0)
                {
                    node.Tuple = true;
                    slot = SeekParent(node.Expressions[^1], slot);
                }

                break;
            case "path":
            {
                node.Tuple = true;
                var index = node.Steps!.Count - 1;
                slot = SeekParent(node.Steps[index--], slot);
                while (slot.Level > 0 && index >= 0)
                {
                    slot = SeekParent(node.Steps[index--], slot);
                }

                break;
            }

            default:
                throw new JsonataException("S0217", node.Position, token: node.Type);
        }

        return slot;
    }

    private static void PushAncestry(Ast result, Ast value)
    {
        if (value.SeekingParent is not null || value.Type == "parent")
        {
            var slots = value.SeekingParent ?? [];
            if (value.Type == "parent")
            {
                slots.Add(value.Slot!);
            }

            if (result.SeekingParent is null)
            {
                result.SeekingParent = slots;
            }
            else
            {
                result.SeekingParent.AddRange(slots);
            }
        }
    }

    private void ResolveAncestry(Ast path)
    {
        var index = path.Steps!.Count - 1;
        var laststep = path.Steps[index];
        var slots = laststep.SeekingParent ?? [];
        if (laststep.Type == "parent")
        {
            slots.Add(laststep.Slot!);
        }

        for (var i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            index = path.Steps.Count - 2;
            while (slot.Level > 0)
            {
                if (index < 0)
                {
                    path.SeekingParent ??= [];
                    path.SeekingParent.Add(slot);
                    break;
                }

                var step = path.Steps[index--];
                while (index >= 0 && step.Focus is not null && path.Steps[index].Focus is not null)
                {
                    step = path.Steps[index--];
                }

                slot = SeekParent(step, slot);
            }
        }
    }

    private Ast ProcessAst(Ast expr)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JsonataException("U1001", expr.Position) { Detail = "Expression is nested too deeply" };
        }

        Ast result;
        switch (expr.Type)
        {
            case "binary":
                var op = (string)expr.Value!;
                switch (op)
                {
                    case ".":
                    {
                        var lstep = ProcessAst(expr.Lhs!);
                        result = lstep.Type == "path" ? lstep : new Ast { Type = "path", Steps = [lstep] };
                        if (lstep.Type == "parent")
                        {
                            result.SeekingParent = [lstep.Slot!];
                        }

                        var rest = ProcessAst(expr.Rhs!);
                        if (rest.Type == "function" && rest.Procedure!.Type == "path" && rest.Procedure.Steps!.Count == 1
                            && rest.Procedure.Steps[0].Type == "name" && result.Steps![^1].Type == "function")
                        {
                            result.Steps[^1].NextFunction = (string?)rest.Procedure.Steps[0].Value;
                        }

                        if (rest.Type == "path")
                        {
                            result.Steps!.AddRange(rest.Steps!);
                        }
                        else
                        {
                            if (rest.Predicate is not null)
                            {
                                rest.Stages = rest.Predicate;
                                rest.Predicate = null;
                            }

                            result.Steps!.Add(rest);
                        }

                        foreach (var step in result.Steps)
                        {
                            if (step.Type is "number" or "value")
                            {
                                throw new JsonataException("S0213", step.Position, step.Value);
                            }

                            if (step.Type == "string")
                            {
                                step.Type = "name";
                            }
                        }

                        foreach (var step in result.Steps)
                        {
                            if (step.KeepArray)
                            {
                                result.KeepSingletonArray = true;
                                break;
                            }
                        }

                        var firststep = result.Steps[0];
                        if (firststep.Type == "unary" && Equals(firststep.Value, "["))
                        {
                            firststep.ConsArray = true;
                        }

                        var laststep = result.Steps[^1];
                        if (laststep.Type == "unary" && Equals(laststep.Value, "["))
                        {
                            laststep.ConsArray = true;
                        }

                        ResolveAncestry(result);
                        break;
                    }

                    case "[":
                    {
                        result = ProcessAst(expr.Lhs!);
                        var step = result;
                        var isStages = false;
                        if (result.Type == "path")
                        {
                            step = result.Steps![^1];
                            isStages = true;
                        }

                        if (step.Group is not null)
                        {
                            throw new JsonataException("S0209", expr.Position);
                        }

                        var list = isStages ? (step.Stages ??= []) : (step.Predicate ??= []);
                        var predicate = ProcessAst(expr.Rhs!);
                        if (predicate.SeekingParent is not null)
                        {
                            foreach (var slot in predicate.SeekingParent)
                            {
                                if (slot.Level == 1)
                                {
                                    SeekParent(step, slot);
                                }
                                else
                                {
                                    slot.Level--;
                                }
                            }

                            PushAncestry(step, predicate);
                        }

                        list.Add(new Stage { Type = "filter", Expr = predicate, Position = expr.Position });
                        break;
                    }

                    case "{":
                    {
                        result = ProcessAst(expr.Lhs!);
                        if (result.Group is not null)
                        {
                            throw new JsonataException("S0210", expr.Position);
                        }

                        var pairs = new List<(Ast, Ast)>();
                        foreach (var (k, v) in expr.Pairs!)
                        {
                            pairs.Add((ProcessAst(k), ProcessAst(v)));
                        }

                        result.Group = new GroupSpec { Pairs = pairs, Position = expr.Position };
                        break;
                    }

                    case "^":
                    {
                        result = ProcessAst(expr.Lhs!);
                        if (result.Type != "path")
                        {
                            result = new Ast { Type = "path", Steps = [result] };
                        }

                        var sortStep = new Ast { Type = "sort", Position = expr.Position, Terms = [] };
                        foreach (var term in expr.Terms!)
                        {
                            var expression = ProcessAst(term.Expression);
                            PushAncestry(sortStep, expression);
                            sortStep.Terms.Add(new SortTerm { Descending = term.Descending, Expression = expression });
                        }

                        result.Steps!.Add(sortStep);
                        ResolveAncestry(result);
                        break;
                    }

                    case ":=":
                        result = new Ast { Type = "bind", Value = expr.Value, Position = expr.Position };
                        result.Lhs = ProcessAst(expr.Lhs!);
                        result.Rhs = ProcessAst(expr.Rhs!);
                        PushAncestry(result, result.Rhs);
                        break;
                    case "@":
                    {
                        result = ProcessAst(expr.Lhs!);
                        var step = result;
                        if (result.Type == "path")
                        {
                            step = result.Steps![^1];
                        }

                        if (step.Stages is not null || step.Predicate is not null)
                        {
                            throw new JsonataException("S0215", expr.Position);
                        }

                        if (step.Type == "sort")
                        {
                            throw new JsonataException("S0216", expr.Position);
                        }

                        if (expr.KeepArray)
                        {
                            step.KeepArray = true;
                        }

                        step.Focus = (string)expr.Rhs!.Value!;
                        step.Tuple = true;
                        break;
                    }

                    case "#":
                    {
                        result = ProcessAst(expr.Lhs!);
                        var step = result;
                        if (result.Type == "path")
                        {
                            step = result.Steps![^1];
                        }
                        else
                        {
                            result = new Ast { Type = "path", Steps = [result] };
                            if (step.Predicate is not null)
                            {
                                step.Stages = step.Predicate;
                                step.Predicate = null;
                            }
                        }

                        if (step.Stages is null)
                        {
                            step.Index = (string)expr.Rhs!.Value!;
                        }
                        else
                        {
                            step.Stages.Add(new Stage { Type = "index", Value = (string)expr.Rhs!.Value!, Position = expr.Position });
                        }

                        step.Tuple = true;
                        break;
                    }

                    case "~>":
                        result = new Ast { Type = "apply", Value = expr.Value, Position = expr.Position };
                        result.Lhs = ProcessAst(expr.Lhs!);
                        result.Rhs = ProcessAst(expr.Rhs!);
                        result.KeepArray = result.Lhs.KeepArray || result.Rhs.KeepArray;
                        break;
                    default:
                        result = new Ast { Type = expr.Type, Value = expr.Value, Position = expr.Position };
                        result.Lhs = ProcessAst(expr.Lhs!);
                        result.Rhs = ProcessAst(expr.Rhs!);
                        PushAncestry(result, result.Lhs);
                        PushAncestry(result, result.Rhs);
                        break;
                }

                break;
            case "unary":
                result = new Ast { Type = expr.Type, Value = expr.Value, Position = expr.Position };
                if (Equals(expr.Value, "["))
                {
                    result.Expressions = [];
                    foreach (var item in expr.Expressions!)
                    {
                        var value = ProcessAst(item);
                        PushAncestry(result, value);
                        result.Expressions.Add(value);
                    }
                }
                else if (Equals(expr.Value, "{"))
                {
                    result.Pairs = [];
                    foreach (var (k, v) in expr.Pairs!)
                    {
                        var key = ProcessAst(k);
                        PushAncestry(result, key);
                        var value = ProcessAst(v);
                        PushAncestry(result, value);
                        result.Pairs.Add((key, value));
                    }
                }
                else
                {
                    result.Expression = ProcessAst(expr.Expression!);
                    if (Equals(expr.Value, "-") && result.Expression.Type == "number")
                    {
                        result = result.Expression;
                        result.Value = -(double)result.Value!;
                    }
                    else
                    {
                        PushAncestry(result, result.Expression);
                    }
                }

                break;
            case "function":
            case "partial":
                result = new Ast { Type = expr.Type, Value = expr.Value, Position = expr.Position, Arguments = [] };
                foreach (var arg in expr.Arguments!)
                {
                    var argAst = ProcessAst(arg);
                    PushAncestry(result, argAst);
                    result.Arguments.Add(argAst);
                }

                result.Procedure = ProcessAst(expr.Procedure!);
                break;
            case "lambda":
                result = new Ast
                {
                    Type = expr.Type,
                    Arguments = expr.Arguments,
                    Signature = expr.Signature,
                    Position = expr.Position,
                };
                result.Body = TailCallOptimize(ProcessAst(expr.Body!));
                break;
            case "condition":
                result = new Ast { Type = expr.Type, Position = expr.Position };
                result.Condition = ProcessAst(expr.Condition!);
                PushAncestry(result, result.Condition);
                result.Then = ProcessAst(expr.Then!);
                PushAncestry(result, result.Then);
                if (expr.Else is not null)
                {
                    result.Else = ProcessAst(expr.Else);
                    PushAncestry(result, result.Else);
                }

                break;
            case "transform":
                result = new Ast { Type = expr.Type, Position = expr.Position };
                result.Pattern = ProcessAst(expr.Pattern!);
                result.Update = ProcessAst(expr.Update!);
                if (expr.Delete is not null)
                {
                    result.Delete = ProcessAst(expr.Delete);
                }

                break;
            case "block":
                result = new Ast { Type = expr.Type, Position = expr.Position, Expressions = [] };
                foreach (var item in expr.Expressions!)
                {
                    var part = ProcessAst(item);
                    PushAncestry(result, part);
                    if (part.ConsArray || (part.Type == "path" && part.Steps![0].ConsArray))
                    {
                        result.ConsArray = true;
                    }

                    result.Expressions.Add(part);
                }

                break;
            case "name":
                result = new Ast { Type = "path", Steps = [expr] };
                if (expr.KeepArray)
                {
                    result.KeepSingletonArray = true;
                }

                break;
            case "parent":
                result = new Ast
                {
                    Type = "parent",
                    Position = expr.Position,
                    Slot = new AncestorSlot { Label = "!" + _ancestorLabel++, Level = 1, Index = _ancestorIndex++ },
                };
                _ancestry.Add(result);
                break;
            case "string":
            case "number":
            case "value":
            case "wildcard":
            case "descendant":
            case "variable":
            case "regex":
                result = expr;
                break;
            case "operator":
                if (Equals(expr.Value, "and") || Equals(expr.Value, "or") || Equals(expr.Value, "in"))
                {
                    expr.Type = "name";
                    result = ProcessAst(expr);
                }
                else if (Equals(expr.Value, "?"))
                {
                    result = expr;
                }
                else
                {
                    throw new JsonataException("S0201", expr.Position, token: TokenText(expr.Value));
                }

                break;
            default:
                var code = expr.Id == "(end)" ? "S0207" : "S0206";
                throw new JsonataException(code, expr.Position, token: TokenText(expr.Value));
        }

        if (expr.KeepArray)
        {
            result.KeepArray = true;
        }

        return result;
    }
}
