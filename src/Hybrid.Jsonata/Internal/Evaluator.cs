namespace Hybrid.Jsonata.Internal;

/// <summary>The parts of the reference evaluator that several node types share.</summary>
internal static class Evaluator
{
    private static Frame FrameFromTuple(Frame env, TupleItem tuple)
    {
        var frame = new Frame(env, tuple.Count);
        foreach (var kv in tuple)
        {
            frame.Bind(kv.Key, kv.Value);
        }

        return frame;
    }

    public static JList Step(Node expr, JList input, Frame env, bool lastStep)
    {
        if (expr.Kind == NodeKind.Sort)
        {
            var sorted = Sort((SortNode)expr, input, env);
            if (expr.Stages is not null)
            {
                sorted = Stages(expr.Stages, sorted, env);
            }

            return sorted;
        }

        var result = JList.Seq();
        for (var ii = 0; ii < input.Count; ii++)
        {
            var res = expr.Eval(input[ii], env);
            if (expr.Stages is not null)
            {
                foreach (var stage in expr.Stages)
                {
                    res = Filter(stage.Filter!, res, env);
                }
            }

            if (res is not null)
            {
                result.Add(res);
            }
        }

        if (lastStep && result.Count == 1 && result[0] is JList { Sequence: false } only)
        {
            return only;
        }

        var resultSequence = JList.Seq();
        foreach (var res in result)
        {
            if (res is not JList rl || rl.Cons)
            {
                resultSequence.Add(res);
            }
            else
            {
                resultSequence.AddRange(rl);
            }
        }

        return resultSequence;
    }

    public static JList Stages(StageNode[] stages, JList input, Frame env)
    {
        var result = input;
        foreach (var stage in stages)
        {
            if (stage.Filter is not null)
            {
                result = Filter(stage.Filter, result, env);
            }
            else
            {
                for (var ee = 0; ee < result.Count; ee++)
                {
                    ((TupleItem)result[ee]!)[stage.Index!] = V.Num(ee);
                }
            }
        }

        return result;
    }

    public static JList TupleStep(Node expr, JList input, JList? tupleBindings, Frame env)
    {
        JList result;
        if (expr.Kind == NodeKind.Sort)
        {
            if (tupleBindings is not null)
            {
                result = Sort((SortNode)expr, tupleBindings, env);
            }
            else
            {
                var sorted = Sort((SortNode)expr, input, env);
                result = JList.Seq();
                result.TupleStream = true;
                for (var ss = 0; ss < sorted.Count; ss++)
                {
                    var tuple = new TupleItem { ["@"] = sorted[ss] };
                    if (expr.Index is not null)
                    {
                        tuple[expr.Index] = V.Num(ss);
                    }

                    result.Add(tuple);
                }
            }

            if (expr.Stages is not null)
            {
                result = Stages(expr.Stages, result, env);
            }

            return result;
        }

        result = JList.Seq();
        result.TupleStream = true;
        if (tupleBindings is null)
        {
            tupleBindings = new JList(input.Count);
            foreach (var item in input)
            {
                tupleBindings.Add(new TupleItem { ["@"] = item });
            }
        }

        foreach (var tb in tupleBindings)
        {
            var binding = (TupleItem)tb!;
            var stepEnv = FrameFromTuple(env, binding);
            var res = expr.Eval(binding["@"], stepEnv);
            if (res is not null)
            {
                var resList = res as JList ?? new JList { res };
                for (var bb = 0; bb < resList.Count; bb++)
                {
                    var tuple = new TupleItem(binding);
                    if (resList.TupleStream)
                    {
                        foreach (var kv in (TupleItem)resList[bb]!)
                        {
                            tuple[kv.Key] = kv.Value;
                        }
                    }
                    else
                    {
                        if (expr.Focus is not null)
                        {
                            tuple[expr.Focus] = resList[bb];
                            tuple["@"] = binding["@"];
                        }
                        else
                        {
                            tuple["@"] = resList[bb];
                        }

                        if (expr.Index is not null)
                        {
                            tuple[expr.Index] = V.Num(bb);
                        }

                        if (expr.AncestorLabel is not null)
                        {
                            tuple[expr.AncestorLabel] = binding["@"];
                        }
                    }

                    result.Add(tuple);
                }
            }
        }

        if (expr.Stages is not null)
        {
            result = Stages(expr.Stages, result, env);
        }

        return result;
    }

    public static JList Filter(Node predicate, object? input, Frame env)
    {
        var results = JList.Seq();
        var inputList = input as JList;
        if (inputList is { TupleStream: true })
        {
            results.TupleStream = true;
        }

        inputList ??= JList.Seq(input);

        if (predicate.Kind == NodeKind.Number)
        {
            var index = (int)Math.Floor((double)((LiteralNode)predicate).Value!);
            if (index < 0)
            {
                index = inputList.Count + index;
            }

            if (index >= 0 && index < inputList.Count)
            {
                var item = inputList[index];
                if (item is not null)
                {
                    if (item is JList il)
                    {
                        results = il;
                    }
                    else
                    {
                        results.Add(item);
                    }
                }
            }

            return results;
        }

        for (var index = 0; index < inputList.Count; index++)
        {
            var item = inputList[index];
            var context = item;
            var env2 = env;
            if (inputList.TupleStream)
            {
                var t = (TupleItem)item!;
                context = t["@"];
                env2 = FrameFromTuple(env, t);
            }

            var res = predicate.Eval(context, env2);
            if (V.IsNumeric(res))
            {
                var ii = (int)Math.Floor((double)res!);
                if (ii < 0)
                {
                    ii = inputList.Count + ii;
                }

                if (ii == index)
                {
                    results.Add(item);
                }
            }
            else if (res is JList rl && rl.Count > 0 && V.IsArrayOfNumbers(rl))
            {
                foreach (var ires in rl)
                {
                    var ii = (int)Math.Floor((double)ires!);
                    if (ii < 0)
                    {
                        ii = inputList.Count + ii;
                    }

                    if (ii == index)
                    {
                        results.Add(item);
                    }
                }
            }
            else if (V.Truthy(res))
            {
                results.Add(item);
            }
        }

        return results;
    }

    private sealed class GroupEntry
    {
        public object? Data;
        public int ExprIndex;
    }

    public static JObject GroupBy(GroupNode expr, object? input, Frame env)
    {
        var result = new JObject();
        var groups = new OrderedDictionary<string, GroupEntry>(StringComparer.Ordinal);
        var reduce = input is JList { TupleStream: true };
        var inputList = input as JList ?? JList.Seq(input);
        if (inputList.Count == 0)
        {
            inputList = new JList { null };
        }

        foreach (var item in inputList)
        {
            var env2 = reduce ? FrameFromTuple(env, (TupleItem)item!) : env;
            for (var pairIndex = 0; pairIndex < expr.Pairs.Length; pairIndex++)
            {
                var pair = expr.Pairs[pairIndex];
                var key = pair.Key.Eval(reduce ? ((TupleItem)item!)["@"] : item, env2);
                if (key is not null and not string)
                {
                    throw new JsonataException("T1003", expr.Position, key);
                }

                if (key is string k)
                {
                    if (groups.TryGetValue(k, out var existing))
                    {
                        if (existing.ExprIndex != pairIndex)
                        {
                            throw new JsonataException("D1009", expr.Position, k);
                        }

                        existing.Data = V.Append(existing.Data, item);
                    }
                    else
                    {
                        groups[k] = new GroupEntry { Data = item, ExprIndex = pairIndex };
                    }
                }
            }
        }

        foreach (var kv in groups)
        {
            var entry = kv.Value;
            var context = entry.Data;
            var env2 = env;
            if (reduce)
            {
                var tuple = ReduceTupleStream(entry.Data);
                context = tuple["@"];
                tuple.Remove("@");
                env2 = FrameFromTuple(env, tuple);
            }

            var value = expr.Pairs[entry.ExprIndex].Value.Eval(context, env2);
            if (value is not null)
            {
                result[kv.Key] = value;
            }
        }

        return result;
    }

    private static TupleItem ReduceTupleStream(object? tupleStream)
    {
        if (tupleStream is not JList list)
        {
            return new TupleItem((TupleItem)tupleStream!);
        }

        var result = new TupleItem((TupleItem)list[0]!);
        for (var ii = 1; ii < list.Count; ii++)
        {
            foreach (var kv in (TupleItem)list[ii]!)
            {
                result[kv.Key] = V.Append(result.TryGetValue(kv.Key, out var existing) ? existing : null, kv.Value);
            }
        }

        return result;
    }

    public static JList Sort(SortNode expr, JList input, Frame env)
    {
        var isTupleSort = input.TupleStream;
        bool Comparator(object? a, object? b)
        {
            var comp = 0;
            for (var index = 0; comp == 0 && index < expr.Terms.Length; index++)
            {
                var term = expr.Terms[index];
                var context = a;
                var env2 = env;
                if (isTupleSort)
                {
                    context = ((TupleItem)a!)["@"];
                    env2 = FrameFromTuple(env, (TupleItem)a!);
                }

                var aa = term.Expr.Eval(context, env2);
                context = b;
                env2 = env;
                if (isTupleSort)
                {
                    context = ((TupleItem)b!)["@"];
                    env2 = FrameFromTuple(env, (TupleItem)b!);
                }

                var bb = term.Expr.Eval(context, env2);
                if (aa is null)
                {
                    comp = bb is null ? 0 : 1;
                    continue;
                }

                if (bb is null)
                {
                    comp = -1;
                    continue;
                }

                if (aa is not (string or double) || bb is not (string or double))
                {
                    throw new JsonataException("T2008", expr.Position, aa is not (string or double) ? aa : bb);
                }

                int c;
                if (aa is double da && bb is double db)
                {
                    c = da == db ? 0 : da < db ? -1 : 1;
                }
                else if (aa is string sa && bb is string sb)
                {
                    c = Math.Sign(string.CompareOrdinal(sa, sb));
                }
                else
                {
                    throw new JsonataException("T2007", expr.Position, aa) { Value2 = bb };
                }

                if (c == 0)
                {
                    continue;
                }

                comp = c;
                if (term.Descending)
                {
                    comp = -comp;
                }
            }

            return comp == 1;
        }

        if (input.Count <= 1)
        {
            return input;
        }

        // like the reference, the sorted result is a plain array (not a sequence)
        return new JList(MergeSort(input, Comparator)) { TupleStream = input.TupleStream };
    }

    /// <summary>The reference's stable merge sort; <paramref name="swap"/> returns true when a must come after b.</summary>
    public static List<object?> MergeSort(List<object?> array, Func<object?, object?, bool> swap)
    {
        if (array.Count <= 1)
        {
            return array;
        }

        var middle = array.Count / 2;
        var left = MergeSort(array.GetRange(0, middle), swap);
        var right = MergeSort(array.GetRange(middle, array.Count - middle), swap);
        var merged = new List<object?>(array.Count);
        int li = 0, ri = 0;
        while (li < left.Count && ri < right.Count)
        {
            if (swap(left[li], right[ri]))
            {
                merged.Add(right[ri++]);
            }
            else
            {
                merged.Add(left[li++]);
            }
        }

        while (li < left.Count)
        {
            merged.Add(left[li++]);
        }

        while (ri < right.Count)
        {
            merged.Add(right[ri++]);
        }

        return merged;
    }

    /// <summary>apply(): invokes a function value, running the trampoline for tail calls.</summary>
    public static object? Apply(JFunction? proc, object?[] args, object? input, Frame env)
    {
        var result = ApplyInner(proc, args, input, env);
        while (result is Lambda { Thunk: true } thunk)
        {
            var call = (FunctionCallNode)thunk.Body;
            var next = call.Procedure.Eval(thunk.Input, thunk.Env);
            var evaluatedArgs = new object?[call.Arguments.Length];
            for (var ii = 0; ii < call.Arguments.Length; ii++)
            {
                evaluatedArgs[ii] = call.Arguments[ii].Eval(thunk.Input, thunk.Env);
            }

            try
            {
                result = ApplyInner(next as JFunction, evaluatedArgs, input, env);
            }
            catch (JsonataException e) when (FunctionCallNode.Decorate(e, call.Position, call.ProcName))
            {
                throw;
            }
        }

        return result;
    }

    private static object? ApplyInner(JFunction? proc, object?[] args, object? input, Frame env)
    {
        if (proc is null)
        {
            throw new JsonataException("T1006");
        }

        var validated = proc.Signature is null ? args : proc.Signature.Validate(args, input);
        switch (proc)
        {
            case Lambda lambda:
            {
                var frame = new Frame(lambda.Env, lambda.Params.Length);
                for (var i = 0; i < lambda.Params.Length; i++)
                {
                    frame.Bind(lambda.Params[i], i < validated.Length ? validated[i] : null);
                }

                return lambda.Body.Eval(lambda.Input, frame);
            }

            case NativeFunction native:
                return native.Impl(validated, new CallContext(input, env));
            case PartialNative partial:
            {
                var full = new object?[partial.Bound.Length];
                var next = 0;
                for (var i = 0; i < full.Length; i++)
                {
                    full[i] = partial.Holes[i] ? (next < validated.Length ? validated[next++] : null) : partial.Bound[i];
                }

                // trim trailing undefined so optional parameters stay optional
                var n = full.Length;
                while (n > 0 && full[n - 1] is null)
                {
                    n--;
                }

                if (n != full.Length)
                {
                    Array.Resize(ref full, n);
                }

                return Apply(partial.Target, full, null, env);
            }

            case ChainFunction chain:
            {
                var x = validated.Length > 0 ? validated[0] : null;
                var fx = Apply(chain.F, [x], null, env);
                return Apply(chain.G, [fx], null, env);
            }

            case TransformFunction tf:
                return tf.Node.Transform(validated.Length > 0 ? validated[0] : null, tf.Env);
            case RegexFunction rf:
            {
                var str = validated.Length > 0 ? validated[0] as string : null;
                if (str is null)
                {
                    return null;
                }

                var from = validated.Length > 1 && validated[1] is double d ? (int)d : 0;
                return rf.Exec(str, from);
            }

            case HostFunction host:
                return Builtins.CallHost(host, validated, input);
            default:
                throw new JsonataException("T1006");
        }
    }
}
