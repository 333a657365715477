using System.Runtime.CompilerServices;

namespace Hybrid.Jsonata.Internal;

/// <summary>Per-evaluation state shared by every frame: limits, clock, random source.</summary>
internal sealed class EvalContext
{
    public int Depth;
    public int MaxDepth = int.MaxValue;
    public long Deadline = long.MaxValue;
    public long TimeLimitMs;
    public DateTimeOffset Now;
    public Func<double> Random = System.Random.Shared.NextDouble;
    public int Ticks;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void CheckLimits(int position)
    {
        if (Depth > MaxDepth)
        {
            throw new JsonataException("U1001", position)
            {
                Detail = "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
            };
        }

        if (Deadline != long.MaxValue && Environment.TickCount64 > Deadline)
        {
            throw new JsonataException("U1001", position) { Detail = "Expression evaluation timeout: Check for infinite loop" };
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JsonataException("U1001", position)
            {
                Detail = "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
            };
        }
    }
}

/// <summary>A scope of variable bindings; lookups walk outwards, then fall back to the built-in functions.</summary>
internal sealed class Frame
{
    private struct Entry
    {
        public string Name;
        public object? Value;
    }

    private readonly Frame? _parent;
    private Entry[]? _entries;
    private int _count;
    public readonly EvalContext Ctx;

    public Frame(EvalContext ctx)
    {
        Ctx = ctx;
    }

    public Frame(Frame parent, int capacity = 0)
    {
        _parent = parent;
        Ctx = parent.Ctx;
        if (capacity > 0)
        {
            _entries = new Entry[capacity];
        }
    }

    public void Bind(string name, object? value)
    {
        var entries = _entries;
        if (entries is null)
        {
            _entries = entries = new Entry[4];
        }

        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(entries[i].Name, name) || string.Equals(entries[i].Name, name, StringComparison.Ordinal))
            {
                entries[i].Value = value;
                return;
            }
        }

        if (_count == entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
            entries = _entries;
        }

        entries[_count].Name = name;
        entries[_count].Value = value;
        _count++;
    }

    public object? Lookup(string name)
    {
        for (var f = this; f is not null; f = f._parent)
        {
            var entries = f._entries;
            if (entries is null)
            {
                continue;
            }

            var count = f._count;
            for (var i = 0; i < count; i++)
            {
                if (ReferenceEquals(entries[i].Name, name))
                {
                    return entries[i].Value;
                }
            }

            for (var i = 0; i < count; i++)
            {
                if (string.Equals(entries[i].Name, name, StringComparison.Ordinal))
                {
                    return entries[i].Value;
                }
            }
        }

        return Builtins.Lookup(name);
    }
}

/// <summary>Everything a native function sees besides its arguments.</summary>
internal readonly struct CallContext(object? input, Frame env)
{
    public readonly object? Input = input;
    public readonly Frame Env = env;
}

internal delegate object? NativeImpl(object?[] args, in CallContext call);

/// <summary>A function value: a lambda, a built-in, or one of the evaluator's own closures.</summary>
internal abstract class JFunction
{
    public Signature? Signature;

    /// <summary>The number of parameters (JavaScript's function length), used by the higher-order functions.</summary>
    public abstract int Arity { get; }
}

internal sealed class NativeFunction(string name, int arity, string? signature, NativeImpl impl) : JFunction
{
    public readonly string Name = name;
    public readonly NativeImpl Impl = impl;
    private readonly int _arity = arity;

    public override int Arity => _arity;

    public NativeFunction Init()
    {
        if (signature is not null)
        {
            Signature = Signature.Parse(signature);
        }

        return this;
    }
}

internal sealed class Lambda : JFunction
{
    public required string[] Params;
    public required Node Body;
    public required Frame Env;
    public object? Input;
    public bool Thunk;

    public override int Arity => Params.Length;
}

/// <summary>A partially applied built-in: the holes (?) are filled in order by the later call.</summary>
internal sealed class PartialNative : JFunction
{
    public required JFunction Target;
    public required object?[] Bound;
    public required bool[] Holes;

    public override int Arity
    {
        get
        {
            var n = 0;
            foreach (var h in Holes)
            {
                if (h)
                {
                    n++;
                }
            }

            return n;
        }
    }
}

/// <summary>f ~> g where both are functions: λ($x){ $g($f($x)) }.</summary>
internal sealed class ChainFunction(JFunction f, JFunction g) : JFunction
{
    public readonly JFunction F = f;
    public readonly JFunction G = g;

    public override int Arity => 1;
}

/// <summary>A function registered by the host (a binding), working on JSON nodes.</summary>
internal sealed class HostFunction(string name, JsonataFunction impl, int arity) : JFunction
{
    public readonly string Name = name;
    public readonly JsonataFunction Impl = impl;

    public override int Arity => arity;
}
