using System.Text.RegularExpressions;

namespace Hybrid.Jsonata.Internal;

/// <summary>Turns the post-processed syntax tree into evaluator nodes, once per expression.</summary>
internal static class Compiler
{
    public static Node Compile(Ast ast)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JsonataException("U1001", ast.Position) { Detail = "Expression is nested too deeply" };
        }

        var node = CompileCore(ast);
        node.Position = ast.Position;
        node.KeepArray = ast.KeepArray;
        if (ast.Predicate is not null)
        {
            var preds = new Node[ast.Predicate.Count];
            for (var i = 0; i < preds.Length; i++)
            {
                preds[i] = Compile(ast.Predicate[i].Expr!);
            }

            node.Predicates = preds;
        }

        if (ast.Group is not null)
        {
            node.Group = CompileGroup(ast.Group.Pairs, ast.Group.Position);
        }

        if (ast.Stages is not null)
        {
            var stages = new StageNode[ast.Stages.Count];
            for (var i = 0; i < stages.Length; i++)
            {
                var st = ast.Stages[i];
                stages[i] = st.Type == "filter" ? new StageNode { Filter = Compile(st.Expr!) } : new StageNode { Index = st.Value };
            }

            node.Stages = stages;
        }

        node.Focus = ast.Focus;
        node.Index = ast.Index;
        node.Tuple = ast.Tuple;
        node.AncestorLabel = ast.Ancestor?.Label;
        node.ConsArray = ast.ConsArray;
        return node;
    }

    private static GroupNode CompileGroup(List<(Ast Key, Ast Value)> pairs, int position)
    {
        var compiled = new (Node, Node)[pairs.Count];
        for (var i = 0; i < compiled.Length; i++)
        {
            compiled[i] = (Compile(pairs[i].Key), Compile(pairs[i].Value));
        }

        return new GroupNode { Pairs = compiled, Position = position };
    }

    private static Node[] CompileAll(List<Ast> list)
    {
        var result = new Node[list.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Compile(list[i]);
        }

        return result;
    }

    private static Node CompileCore(Ast ast)
    {
        switch (ast.Type)
        {
            case "path":
            {
                var path = new PathNode
                {
                    Steps = CompileAll(ast.Steps!),
                    KeepSingletonArray = ast.KeepSingletonArray,
                    IsTuple = ast.Tuple,
                    Kind = NodeKind.Path,
                };
                return path;
            }

            case "name":
                return new NameNode { Name = (string)ast.Value!, Kind = NodeKind.Name };
            case "string":
                return new LiteralNode { Value = ast.Value, Kind = NodeKind.Literal };
            case "number":
                return new LiteralNode { Value = V.Num((double)ast.Value!), Kind = NodeKind.Number };
            case "value":
                return new LiteralNode { Value = ast.Value, Kind = NodeKind.Literal };
            case "wildcard":
                return new WildcardNode { Kind = NodeKind.Wildcard };
            case "descendant":
                return new DescendantNode();
            case "parent":
                return new ParentNode { Label = ast.Slot!.Label, Kind = NodeKind.Parent };
            case "variable":
                return new VariableNode { Name = (string)ast.Value!, Kind = NodeKind.Variable };
            case "sort":
            {
                var terms = new (Node, bool)[ast.Terms!.Count];
                for (var i = 0; i < terms.Length; i++)
                {
                    terms[i] = (Compile(ast.Terms[i].Expression), ast.Terms[i].Descending);
                }

                return new SortNode { Terms = terms, Kind = NodeKind.Sort };
            }

            case "binary":
            {
                var op = (string)ast.Value!;
                var lhs = Compile(ast.Lhs!);
                var rhs = Compile(ast.Rhs!);
                return op switch
                {
                    "+" or "-" or "*" or "/" or "%" => new ArithNode { Lhs = lhs, Rhs = rhs, Op = op[0] },
                    "=" => new EqualityNode { Lhs = lhs, Rhs = rhs },
                    "!=" => new EqualityNode { Lhs = lhs, Rhs = rhs, Negate = true },
                    "<" or "<=" or ">" or ">=" => new CompareNode { Lhs = lhs, Rhs = rhs, Op = op },
                    "&" => new ConcatNode { Lhs = lhs, Rhs = rhs },
                    ".." => new RangeNode { Lhs = lhs, Rhs = rhs },
                    "in" => new InNode { Lhs = lhs, Rhs = rhs },
                    "and" => new AndOrNode { Lhs = lhs, Rhs = rhs, IsAnd = true },
                    "or" => new AndOrNode { Lhs = lhs, Rhs = rhs },
                    _ => throw new JsonataException("S0201", ast.Position, token: op),
                };
            }

            case "unary":
            {
                var op = (string)ast.Value!;
                switch (op)
                {
                    case "-":
                        return new NegateNode { Expression = Compile(ast.Expression!) };
                    case "[":
                        return new ArrayCtorNode { Items = CompileAll(ast.Expressions!), Kind = NodeKind.ArrayCtor };
                    case "{":
                        return new ObjectCtorNode { Spec = CompileGroup(ast.Pairs!, ast.Position) };
                    default:
                        throw new JsonataException("S0201", ast.Position, token: op);
                }
            }

            case "condition":
                return new ConditionNode
                {
                    Condition = Compile(ast.Condition!),
                    Then = Compile(ast.Then!),
                    Else = ast.Else is null ? null : Compile(ast.Else),
                };
            case "block":
                return new BlockNode { Expressions = CompileAll(ast.Expressions!) };
            case "bind":
                return new BindNode { Name = (string)ast.Lhs!.Value!, Rhs = Compile(ast.Rhs!) };
            case "regex":
            {
                var lit = (RegexLiteral)ast.Value!;
                return new RegexNode { Regex = BuildRegex(lit, ast.Position), Source = lit.Pattern };
            }

            case "function":
            {
                var proc = Compile(ast.Procedure!);
                return new FunctionCallNode
                {
                    Procedure = proc,
                    Arguments = CompileAll(ast.Arguments!),
                    ProcName = ProcName(ast.Procedure!),
                    PathFirstName = PathFirstName(ast.Procedure!),
                    Kind = NodeKind.Function,
                };
            }

            case "partial":
            {
                var args = new Node?[ast.Arguments!.Count];
                for (var i = 0; i < args.Length; i++)
                {
                    var a = ast.Arguments[i];
                    args[i] = a.Type == "operator" && Equals(a.Value, "?") ? null : Compile(a);
                }

                return new PartialNode
                {
                    Procedure = Compile(ast.Procedure!),
                    Arguments = args,
                    ProcName = ProcName(ast.Procedure!),
                    PathFirstName = PathFirstName(ast.Procedure!),
                };
            }

            case "lambda":
            {
                var ps = new string[ast.Arguments!.Count];
                for (var i = 0; i < ps.Length; i++)
                {
                    ps[i] = (string)ast.Arguments[i].Value!;
                }

                return new LambdaNode
                {
                    Params = ps,
                    Body = Compile(ast.Body!),
                    Signature = ast.Signature,
                    Thunk = ast.Thunk,
                    Kind = NodeKind.Lambda,
                };
            }

            case "apply":
                return new ApplyNode { Lhs = Compile(ast.Lhs!), Rhs = Compile(ast.Rhs!) };
            case "transform":
                return new TransformNode
                {
                    Pattern = Compile(ast.Pattern!),
                    Update = Compile(ast.Update!),
                    Delete = ast.Delete is null ? null : Compile(ast.Delete),
                };
            default:
                throw new JsonataException("S0206", ast.Position, token: ast.Type);
        }
    }

    private static string? ProcName(Ast procedure) =>
        procedure.Type == "path" ? procedure.Steps![0].Value as string : Parser.TokenText(procedure.Value);

    private static string? PathFirstName(Ast procedure) =>
        procedure.Type == "path" && procedure.Steps![0].Value is string s ? s : null;

    internal static Regex BuildRegex(RegexLiteral lit, int position)
    {
        var options = RegexOptions.CultureInvariant;
        if (lit.Flags.Contains('i', StringComparison.Ordinal))
        {
            options |= RegexOptions.IgnoreCase;
        }

        if (lit.Flags.Contains('m', StringComparison.Ordinal))
        {
            options |= RegexOptions.Multiline;
        }

        try
        {
            return new Regex(lit.Pattern, options, TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException)
        {
            throw new JsonataException("S0302", position, lit.Pattern);
        }
    }
}
