using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;

namespace Hybrid.Asl.Running;

/// <summary>Answers a Task state's invocation: returns its result or raises an <see cref="AslException"/>.</summary>
public delegate ValueTask<JsonNode?> TaskHandler(TaskInvocation invocation, CancellationToken cancellationToken);

/// <summary>
/// Task handlers keyed by resource pattern: an exact resource, or a pattern with '*' wildcards
/// (for example <c>arn:aws:lambda:*:*:function:*</c>). Exact matches win; otherwise the first registered pattern that matches.
/// A resource is served either by a <see cref="TaskHandler"/> (one call) or by an <see cref="ILongRunningTaskHandler"/>
/// (started, then polled by the runner).
/// </summary>
public sealed class TaskHandlerRegistry
{
    private readonly Dictionary<string, Entry> _exact = new(StringComparer.Ordinal);
    private readonly List<(string Pattern, Entry Entry)> _patterns = [];

    public TaskHandlerRegistry Register(string resourcePattern, TaskHandler handler) =>
        Add(resourcePattern, new Entry(Check.NotNull(handler), null));

    /// <summary>Registers a handler that the runner starts and then polls until the work ends.</summary>
    public TaskHandlerRegistry Register(string resourcePattern, ILongRunningTaskHandler handler) =>
        Add(resourcePattern, new Entry(null, Check.NotNull(handler)));

    private TaskHandlerRegistry Add(string resourcePattern, Entry entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourcePattern);
        if (resourcePattern.Contains('*', StringComparison.Ordinal))
        {
            _patterns.Add((resourcePattern, entry));
        }
        else
        {
            _exact[resourcePattern] = entry;
        }

        return this;
    }

    /// <summary>Registers a synchronous handler.</summary>
    public TaskHandlerRegistry Register(string resourcePattern, Func<JsonNode?, JsonNode?> handler) =>
        Register(resourcePattern, (invocation, _) => ValueTask.FromResult(handler(invocation.Input)));

    public bool TryResolve(string resource, out TaskHandler handler)
    {
        handler = Find(resource)?.Handler!;
        return handler is not null;
    }

    /// <summary>True when the resource is served by a long-running handler, which the runner must start and poll.</summary>
    public bool TryResolveLongRunning(string resource, out ILongRunningTaskHandler handler)
    {
        handler = Find(resource)?.LongRunning!;
        return handler is not null;
    }

    /// <summary>Invokes the handler for the invocation's resource; an unknown resource fails the execution (States.Runtime).</summary>
    public ValueTask<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
        TryResolve(invocation.Resource, out var handler)
            ? handler(invocation, cancellationToken)
            : throw new AslException(ErrorNames.Runtime, $"No task handler is registered for resource '{invocation.Resource}' (state '{invocation.StateName}'). Register one, or answer the state from a mock file.");

    private Entry? Find(string resource)
    {
        if (_exact.TryGetValue(resource, out var entry))
        {
            return entry;
        }

        foreach (var (pattern, candidate) in _patterns)
        {
            if (Glob(resource, pattern))
            {
                return candidate;
            }
        }

        return null;
    }

    private sealed record Entry(TaskHandler? Handler, ILongRunningTaskHandler? LongRunning);

    private static bool Glob(string text, string pattern)
    {
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == text[t] && pattern[p] != '*')
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
