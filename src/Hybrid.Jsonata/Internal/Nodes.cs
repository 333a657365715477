using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Hybrid.Jsonata.Internal;

internal enum NodeKind
{
    Other,
    Path,
    Name,
    Number,
    Literal,
    Variable,
    ArrayCtor,
    Function,
    Sort,
    Parent,
    Wildcard,
    Lambda,
}

internal sealed class StageNode
{
    public Node? Filter;
    public string? Index;
}

internal sealed class GroupNode
{
    public required (Node Key, Node Value)[] Pairs;
    public int Position;
}

/// <summary>
/// A compiled evaluator node. <see cref="Eval"/> mirrors the reference's evaluate(): limits, predicates, grouping and
/// the sequence normalisation (empty to undefined, singleton to its item) happen here, once for every node type.
/// </summary>
internal abstract class Node
{
    public int Position;
    public NodeKind Kind;
    public Node[]? Predicates;
    public GroupNode? Group;
    public bool KeepArray;

    // step properties (when the node is a step of a path)
    public StageNode[]? Stages;
    public string? Focus;
    public string? Index;
    public bool Tuple;
    public string? AncestorLabel;
    public bool ConsArray;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public object? Eval(object? input, Frame env)
    {
        var ctx = env.Ctx;
        if (++ctx.Depth > ctx.MaxDepth || ((++ctx.Ticks & 0xF) == 0))
        {
            ctx.CheckLimits(Position);
        }

        var result = EvalCore(input, env);
        if (Predicates is not null)
        {
            foreach (var p in Predicates)
            {
                result = Evaluator.Filter(p, result, env);
            }
        }

        if (Group is not null && Kind != NodeKind.Path)
        {
            result = Evaluator.GroupBy(Group, result, env);
        }

        ctx.Depth--;
        if (result is JList { Sequence: true, TupleStream: false } seq)
        {
            if (KeepArray)
            {
                seq.KeepSingleton = true;
            }

            if (seq.Count == 0)
            {
                return null;
            }

            if (seq.Count == 1 && !seq.KeepSingleton)
            {
                return seq[0];
            }
        }

        return result;
    }

    protected abstract object? EvalCore(object? input, Frame env);
}

internal sealed class LiteralNode : Node
{
    public object? Value;

    protected override object? EvalCore(object? input, Frame env) => Value;
}

internal sealed class NameNode : Node
{
    public required string Name;

    protected override object? EvalCore(object? input, Frame env)
    {
        if (input is JObject o)
        {
            return o.TryGetValue(Name, out var v) ? v : null;
        }

        return V.Lookup(input, Name);
    }
}

internal sealed class VariableNode : Node
{
    public required string Name;

    protected override object? EvalCore(object? input, Frame env)
    {
        if (Name.Length == 0)
        {
            return input is JList { OuterWrapper: true } l ? l[0] : input;
        }

        return env.Lookup(Name);
    }
}

internal sealed class WildcardNode : Node
{
    protected override object? EvalCore(object? input, Frame env)
    {
        var results = JList.Seq();
        if (input is JList { OuterWrapper: true, Count: > 0 } wrapped)
        {
            input = wrapped[0];
        }

        if (input is JObject o)
        {
            foreach (var kv in o)
            {
                AddValue(ref results, kv.Value);
            }
        }
        else if (input is JList l)
        {
            foreach (var item in l)
            {
                AddValue(ref results, item);
            }
        }

        return results;
    }

    private static void AddValue(ref JList results, object? value)
    {
        if (value is JList)
        {
            results = (JList)V.Append(results, V.Flatten(value))!;
        }
        else
        {
            results.Add(value);
        }
    }
}

internal sealed class DescendantNode : Node
{
    protected override object? EvalCore(object? input, Frame env)
    {
        if (input is null)
        {
            return null;
        }

        var resultSequence = JList.Seq();
        Recurse(input, resultSequence);
        return resultSequence.Count == 1 ? resultSequence[0] : resultSequence;
    }

    private static void Recurse(object? input, JList results)
    {
        if (input is JList l)
        {
            foreach (var m in l)
            {
                Recurse(m, results);
            }

            return;
        }

        results.Add(input);
        if (input is JObject o)
        {
            foreach (var kv in o)
            {
                Recurse(kv.Value, results);
            }
        }
    }
}

internal sealed class ParentNode : Node
{
    public required string Label;

    protected override object? EvalCore(object? input, Frame env) => env.Lookup(Label);
}

internal sealed class PathNode : Node
{
    public required Node[] Steps;
    public bool KeepSingletonArray;
    public bool IsTuple;

    protected override object? EvalCore(object? input, Frame env)
    {
        JList inputSequence;
        if (input is JList il && Steps[0].Kind != NodeKind.Variable)
        {
            inputSequence = il;
        }
        else
        {
            inputSequence = JList.Seq(input);
        }

        JList? resultSequence = null;
        var isTupleStream = false;
        JList? tupleBindings = null;

        for (var ii = 0; ii < Steps.Length; ii++)
        {
            var step = Steps[ii];
            if (step.Tuple)
            {
                isTupleStream = true;
            }

            if (ii == 0 && step.ConsArray)
            {
                resultSequence = step.Eval(inputSequence, env) as JList;
            }
            else if (isTupleStream)
            {
                tupleBindings = Evaluator.TupleStep(step, inputSequence, tupleBindings, env);
            }
            else
            {
                resultSequence = Evaluator.Step(step, inputSequence, env, ii == Steps.Length - 1);
            }

            if (!isTupleStream && (resultSequence is null || resultSequence.Count == 0))
            {
                break;
            }

            if (step.Focus is null)
            {
                inputSequence = resultSequence!;
            }
        }

        if (isTupleStream)
        {
            if (IsTuple)
            {
                resultSequence = tupleBindings;
            }
            else
            {
                resultSequence = JList.Seq();
                foreach (var t in tupleBindings!)
                {
                    resultSequence.Add(((TupleItem)t!)["@"]);
                }
            }
        }

        if (KeepSingletonArray)
        {
            if (resultSequence is { Cons: true, Sequence: false })
            {
                resultSequence = JList.Seq(resultSequence);
            }

            if (resultSequence is not null)
            {
                resultSequence.KeepSingleton = true;
            }
        }

        object? result = resultSequence;
        if (Group is not null)
        {
            result = Evaluator.GroupBy(Group, isTupleStream ? tupleBindings : resultSequence, env);
        }

        return result;
    }
}

internal sealed class SortNode : Node
{
    public required (Node Expr, bool Descending)[] Terms;

    protected override object? EvalCore(object? input, Frame env) => Evaluator.Sort(this, input as JList ?? JList.Seq(input), env);
}

internal sealed class ArithNode : Node
{
    public required Node Lhs;
    public required Node Rhs;
    public char Op;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var rhs = Rhs.Eval(input, env);
        if (lhs is double l && rhs is double r && !double.IsNaN(l) && !double.IsNaN(r)
            && !double.IsInfinity(l) && !double.IsInfinity(r))
        {
            return V.Num(Compute(l, r));
        }

        if (lhs is not null && !V.IsNumeric(lhs))
        {
            throw new JsonataException("T2001", Position, lhs, Op.ToString());
        }

        if (rhs is not null && !V.IsNumeric(rhs))
        {
            throw new JsonataException("T2002", Position, rhs, Op.ToString());
        }

        if (lhs is null || rhs is null)
        {
            return null;
        }

        return V.Num(Compute((double)lhs, (double)rhs));
    }

    private double Compute(double l, double r) => Op switch
    {
        '+' => l + r,
        '-' => l - r,
        '*' => l * r,
        '/' => l / r,
        _ => l % r,
    };
}

internal sealed class EqualityNode : Node
{
    public required Node Lhs;
    public required Node Rhs;
    public bool Negate;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var rhs = Rhs.Eval(input, env);
        if (lhs is null || rhs is null)
        {
            return V.False;
        }

        var eq = V.DeepEquals(lhs, rhs);
        return V.Bool(Negate ? !eq : eq);
    }
}

internal sealed class CompareNode : Node
{
    public required Node Lhs;
    public required Node Rhs;
    public required string Op;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var rhs = Rhs.Eval(input, env);
        var lcomparable = lhs is null or string or double;
        var rcomparable = rhs is null or string or double;
        if (!lcomparable || !rcomparable)
        {
            throw new JsonataException("T2010", Position, lhs is not (string or double) ? lhs : rhs, Op);
        }

        if (lhs is null || rhs is null)
        {
            return null;
        }

        int cmp;
        if (lhs is double l && rhs is double r)
        {
            return V.Bool(Op switch
            {
                "<" => l < r,
                "<=" => l <= r,
                ">" => l > r,
                _ => l >= r,
            });
        }

        if (lhs is string ls && rhs is string rs)
        {
            cmp = string.CompareOrdinal(ls, rs);
        }
        else
        {
            throw new JsonataException("T2009", Position, lhs, Op) { Value2 = rhs };
        }

        return V.Bool(Op switch
        {
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            _ => cmp >= 0,
        });
    }
}

internal sealed class ConcatNode : Node
{
    public required Node Lhs;
    public required Node Rhs;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var rhs = Rhs.Eval(input, env);
        try
        {
            var ls = lhs is null ? "" : Builtins.StringOf(lhs, false);
            var rs = rhs is null ? "" : Builtins.StringOf(rhs, false);
            return string.Concat(ls, rs);
        }
        catch (JsonataException e) when (FunctionCallNode.Decorate(e, Position, "&"))
        {
            throw;
        }
    }
}

internal sealed class RangeNode : Node
{
    public required Node Lhs;
    public required Node Rhs;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var rhs = Rhs.Eval(input, env);
        if (lhs is not null && !(lhs is double ld && double.IsInteger(ld)))
        {
            throw new JsonataException("T2003", Position, lhs, "..");
        }

        if (rhs is not null && !(rhs is double rd && double.IsInteger(rd)))
        {
            throw new JsonataException("T2004", Position, rhs, "..");
        }

        if (lhs is null || rhs is null)
        {
            return null;
        }

        var from = (double)lhs;
        var to = (double)rhs;
        if (from > to)
        {
            return null;
        }

        var size = to - from + 1;
        if (size > 1e7)
        {
            throw new JsonataException("D2014", Position, size, "..");
        }

        var n = (int)size;
        var result = new JList(n) { Sequence = true };
        for (var i = 0; i < n; i++)
        {
            result.Add(V.Num(from + i));
        }

        return result;
    }
}

internal sealed class InNode : Node
{
    public required Node Lhs;
    public required Node Rhs;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var rhs = Rhs.Eval(input, env);
        if (lhs is null || rhs is null)
        {
            return V.False;
        }

        if (rhs is JList l)
        {
            foreach (var item in l)
            {
                if (V.StrictEquals(item, lhs))
                {
                    return V.True;
                }
            }

            return V.False;
        }

        return V.Bool(V.StrictEquals(rhs, lhs));
    }
}

internal sealed class AndOrNode : Node
{
    public required Node Lhs;
    public required Node Rhs;
    public bool IsAnd;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        var l = V.Truthy(lhs);
        if (IsAnd)
        {
            return V.Bool(l && V.Truthy(Rhs.Eval(input, env)));
        }

        return V.Bool(l || V.Truthy(Rhs.Eval(input, env)));
    }
}

internal sealed class NegateNode : Node
{
    public required Node Expression;

    protected override object? EvalCore(object? input, Frame env)
    {
        var result = Expression.Eval(input, env);
        if (result is null)
        {
            return null;
        }

        if (V.IsNumeric(result))
        {
            return V.Num(-(double)result);
        }

        throw new JsonataException("D1002", Position, result, "-");
    }
}

internal sealed class ArrayCtorNode : Node
{
    public required Node[] Items;

    protected override object? EvalCore(object? input, Frame env)
    {
        var result = new JList(Items.Length);
        foreach (var item in Items)
        {
            var value = item.Eval(input, env);
            if (value is not null)
            {
                if (item.Kind == NodeKind.ArrayCtor)
                {
                    result.Add(value);
                }
                else if (value is JList vl)
                {
                    result.AddRange(vl);
                }
                else
                {
                    result.Add(value);
                }
            }
        }

        if (ConsArray)
        {
            result.Cons = true;
        }

        return result;
    }
}

internal sealed class ObjectCtorNode : Node
{
    public required GroupNode Spec;

    protected override object? EvalCore(object? input, Frame env) => Evaluator.GroupBy(Spec, input, env);
}

internal sealed class ConditionNode : Node
{
    public required Node Condition;
    public required Node Then;
    public Node? Else;

    protected override object? EvalCore(object? input, Frame env)
    {
        var condition = Condition.Eval(input, env);
        if (V.Truthy(condition))
        {
            return Then.Eval(input, env);
        }

        return Else?.Eval(input, env);
    }
}

internal sealed class BlockNode : Node
{
    public required Node[] Expressions;

    protected override object? EvalCore(object? input, Frame env)
    {
        var frame = new Frame(env);
        object? result = null;
        foreach (var e in Expressions)
        {
            result = e.Eval(input, frame);
        }

        return result;
    }
}

internal sealed class BindNode : Node
{
    public required string Name;
    public required Node Rhs;

    protected override object? EvalCore(object? input, Frame env)
    {
        var value = Rhs.Eval(input, env);
        env.Bind(Name, value);
        return value;
    }
}

internal sealed class RegexNode : Node
{
    public required Regex Regex;
    public required string Source;

    protected override object? EvalCore(object? input, Frame env) => new RegexFunction(Regex, Source, Position);
}

internal sealed class LambdaNode : Node
{
    public required string[] Params;
    public required Node Body;
    public Signature? Signature;
    public bool Thunk;

    protected override object? EvalCore(object? input, Frame env) => new Lambda
    {
        Params = Params,
        Body = Body,
        Env = env,
        Input = input,
        Thunk = Thunk,
        Signature = Signature,
    };
}

internal sealed class FunctionCallNode : Node
{
    public required Node Procedure;
    public required Node[] Arguments;
    public string? ProcName;
    public string? PathFirstName;

    protected override object? EvalCore(object? input, Frame env) => Call(input, env, false, null);

    public object? Call(object? input, Frame env, bool hasApplyTo, object? applyTo)
    {
        var proc = Procedure.Eval(input, env);
        if (proc is null && PathFirstName is not null && env.Lookup(PathFirstName) is not null)
        {
            throw new JsonataException("T1005", Position, token: PathFirstName);
        }

        var offset = hasApplyTo ? 1 : 0;
        var args = new object?[Arguments.Length + offset];
        if (hasApplyTo)
        {
            args[0] = applyTo;
        }

        for (var i = 0; i < Arguments.Length; i++)
        {
            args[i + offset] = Arguments[i].Eval(input, env);
        }

        // an exception filter (not catch and rethrow) decorates the error: rethrowing at every level of a deep
        // recursion would pile exception-dispatch frames on a stack that is already nearly exhausted
        try
        {
            return Evaluator.Apply(proc as JFunction, args, input, env);
        }
        catch (JsonataException e) when (Decorate(e, Position, ProcName))
        {
            throw;
        }
    }

    internal static bool Decorate(JsonataException e, int position, string? token)
    {
        if (e.Position < 0)
        {
            e.Position = position;
        }

        e.Token ??= token;
        return false;
    }
}

internal sealed class PartialNode : Node
{
    public required Node Procedure;
    public required Node?[] Arguments; // null marks a '?' placeholder
    public string? PathFirstName;
    public string? ProcName;

    protected override object? EvalCore(object? input, Frame env)
    {
        var args = new object?[Arguments.Length];
        var holes = new bool[Arguments.Length];
        for (var i = 0; i < Arguments.Length; i++)
        {
            if (Arguments[i] is null)
            {
                holes[i] = true;
            }
            else
            {
                args[i] = Arguments[i]!.Eval(input, env);
            }
        }

        var proc = Procedure.Eval(input, env);
        if (proc is null && PathFirstName is not null && env.Lookup(PathFirstName) is not null)
        {
            throw new JsonataException("T1007", Position, token: PathFirstName);
        }

        switch (proc)
        {
            case Lambda lambda:
            {
                var frame = new Frame(lambda.Env);
                var unbound = new List<string>();
                for (var i = 0; i < lambda.Params.Length; i++)
                {
                    if (i < holes.Length && holes[i])
                    {
                        unbound.Add(lambda.Params[i]);
                    }
                    else
                    {
                        frame.Bind(lambda.Params[i], i < args.Length ? args[i] : null);
                    }
                }

                return new Lambda { Params = [.. unbound], Body = lambda.Body, Env = frame, Input = lambda.Input };
            }

            case JFunction f:
            {
                // native functions: the reference binds by the implementation's parameter names, so the
                // partial takes as many arguments as the function declares, holes first-come first-served
                var arity = Math.Max(f.Arity, args.Length);
                var bound = new object?[arity];
                var allHoles = new bool[arity];
                for (var i = 0; i < arity; i++)
                {
                    if (i < args.Length && holes[i])
                    {
                        allHoles[i] = true;
                    }
                    else if (i < args.Length)
                    {
                        bound[i] = args[i];
                    }
                }

                return new PartialNative { Target = f, Bound = bound, Holes = allHoles };
            }

            default:
                throw new JsonataException("T1008", Position, token: ProcName);
        }
    }
}

internal sealed class ApplyNode : Node
{
    public required Node Lhs;
    public required Node Rhs;

    protected override object? EvalCore(object? input, Frame env)
    {
        var lhs = Lhs.Eval(input, env);
        if (Rhs is FunctionCallNode call && call.Kind == NodeKind.Function)
        {
            return call.Call(input, env, true, lhs);
        }

        var func = Rhs.Eval(input, env);
        if (func is not JFunction f)
        {
            throw new JsonataException("T2006", Position, func);
        }

        if (lhs is JFunction lf)
        {
            return new ChainFunction(lf, f);
        }

        return Evaluator.Apply(f, [lhs], null, env);
    }
}

internal sealed class TransformNode : Node
{
    public required Node Pattern;
    public required Node Update;
    public Node? Delete;

    private static readonly Signature TransformSignature = Signature.Parse("<(oa):o>");

    protected override object? EvalCore(object? input, Frame env) =>
        new TransformFunction(this, env) { Signature = TransformSignature };

    public object? Transform(object? obj, Frame env)
    {
        if (obj is null)
        {
            return null;
        }

        var cloneFunction = env.Lookup("clone");
        if (cloneFunction is not JFunction cf)
        {
            throw new JsonataException("T2013", Position);
        }

        var result = Evaluator.Apply(cf, [obj], null, env);
        var matches = Pattern.Eval(result, env);
        if (matches is not null)
        {
            var list = matches as JList ?? new JList { matches };
            foreach (var match in list)
            {
                var update = Update.Eval(match, env);
                if (update is not null)
                {
                    if (update is not JObject uo)
                    {
                        throw new JsonataException("T2011", Update.Position, update);
                    }

                    if (match is JObject mo)
                    {
                        foreach (var kv in uo)
                        {
                            mo[kv.Key] = kv.Value;
                        }
                    }
                }

                if (Delete is not null)
                {
                    var deletions = Delete.Eval(match, env);
                    if (deletions is not null)
                    {
                        var val = deletions;
                        var dl = deletions as JList ?? new JList { deletions };
                        if (!V.IsArrayOfStrings(dl))
                        {
                            throw new JsonataException("T2012", Delete.Position, val);
                        }

                        if (match is JObject mo2)
                        {
                            foreach (var d in dl)
                            {
                                mo2.Remove((string)d!);
                            }
                        }
                    }
                }
            }
        }

        return result;
    }
}

internal sealed class TransformFunction(TransformNode node, Frame env) : JFunction
{
    public readonly TransformNode Node = node;
    public readonly Frame Env = env;

    public override int Arity => 1;
}

/// <summary>A regex literal as a function: (str, fromIndex?) returns {match, start, end, groups, next}.</summary>
internal sealed class RegexFunction(Regex regex, string source, int position) : JFunction
{
    public readonly Regex Regex = regex;
    public readonly string Source = source;
    public readonly int Position = position;

    public override int Arity => 2;

    public object? Exec(string str, int fromIndex)
    {
        if (fromIndex > str.Length)
        {
            return null;
        }

        var m = Regex.Match(str, fromIndex);
        if (!m.Success)
        {
            return null;
        }

        var result = new JObject(5)
        {
            ["match"] = m.Value,
            ["start"] = V.Num(m.Index),
            ["end"] = V.Num(m.Index + m.Length),
        };
        var groups = new JList();
        for (var i = 1; i < m.Groups.Count; i++)
        {
            var g = m.Groups[i];
            groups.Add(g.Success ? g.Value : null);
        }

        result["groups"] = groups;
        var lastIndex = m.Index + m.Length;
        result["next"] = new NativeFunction("next", 0, null, (object?[] _, in CallContext _) =>
        {
            if (lastIndex >= str.Length)
            {
                return null;
            }

            var next = Exec(str, lastIndex);
            if (next is JObject no && no["match"] is string { Length: 0 })
            {
                throw new JsonataException("D1004", Position, Source);
            }

            return next;
        });
        return result;
    }
}
