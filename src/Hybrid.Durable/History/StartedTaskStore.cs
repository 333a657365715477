using System.Collections.Concurrent;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.History;

/// <summary>
/// The long-running tasks an execution's instances started and have not yet seen end, and the instances that were
/// stopped, so that a stop never misses a task started just before it. The dispatch activity records a started task
/// and then reads the marks (and stops the task itself if its instance or an ancestor is marked); a stop marks its
/// instances, terminates them, and then reads the recorded tasks. Each side writes before it reads, so at least one
/// of them sees the other (<see cref="Executions.InstanceStops"/>). Both are kept per execution (the root's id).
/// </summary>
public interface IStartedTaskStore
{
    /// <summary>Records (or records again, after a crash) a started task under its invocation key.</summary>
    Task RecordAsync(string executionId, StartedTask task, CancellationToken cancellationToken = default);

    /// <summary>Forgets a task that has ended (its last poll) or was stopped; a task never recorded is no error.</summary>
    Task ForgetAsync(string executionId, string invocationKey, CancellationToken cancellationToken = default);

    /// <summary>Marks instances stopped; a mark is never taken back (the instance never runs again).</summary>
    Task MarkStoppedAsync(string executionId, IReadOnlyList<StopMark> marks, CancellationToken cancellationToken = default);

    /// <summary>The execution's recorded tasks.</summary>
    Task<IReadOnlyList<StartedTask>> TasksAsync(string executionId, CancellationToken cancellationToken = default);

    /// <summary>The execution's stopped instances (read at every long-running start, so kept apart from the tasks).</summary>
    Task<IReadOnlyList<StopMark>> StoppedAsync(string executionId, CancellationToken cancellationToken = default);
}

/// <summary>
/// A started long-running task: the instance that started it, and the request that polls it (its
/// <see cref="DispatchRequest.Phase"/> holds the handler's state), from which a stop is made as from a waiting
/// instance's custom status.
/// </summary>
public sealed record StartedTask(string InstanceId, DispatchRequest Poll)
{
    public string InvocationKey => Poll.InvocationKey ?? throw new InvalidOperationException("A started task has no invocation key.");
}

/// <summary>A stopped instance, with the error and cause its tasks are stopped with.</summary>
public sealed record StopMark(string InstanceId, string Error, string Cause);

/// <summary>The embedded store: in memory, for the in-memory backend.</summary>
public sealed class InMemoryStartedTaskStore : IStartedTaskStore
{
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);

    public Task RecordAsync(string executionId, StartedTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var family = _families.GetOrAdd(executionId, _ => new Family());
        lock (family)
        {
            family.Tasks[task.InvocationKey] = task;
        }

        return Task.CompletedTask;
    }

    public Task ForgetAsync(string executionId, string invocationKey, CancellationToken cancellationToken = default)
    {
        if (_families.TryGetValue(executionId, out var family))
        {
            lock (family)
            {
                family.Tasks.Remove(invocationKey);
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkStoppedAsync(string executionId, IReadOnlyList<StopMark> marks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marks);
        var family = _families.GetOrAdd(executionId, _ => new Family());
        lock (family)
        {
            foreach (var mark in marks)
            {
                family.Stopped[mark.InstanceId] = mark;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StartedTask>> TasksAsync(string executionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(executionId, family => (IReadOnlyList<StartedTask>)[.. family.Tasks.Values]));

    public Task<IReadOnlyList<StopMark>> StoppedAsync(string executionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(executionId, family => (IReadOnlyList<StopMark>)[.. family.Stopped.Values]));

    /// <summary>Forgets an execution's tasks and marks: the in-memory backend's retention purged the execution.</summary>
    public void Remove(string executionId) => _families.TryRemove(executionId, out _);

    private IReadOnlyList<T> Read<T>(string executionId, Func<Family, IReadOnlyList<T>> read)
    {
        if (!_families.TryGetValue(executionId, out var family))
        {
            return [];
        }

        lock (family)
        {
            return read(family);
        }
    }

    private sealed class Family
    {
        public Dictionary<string, StartedTask> Tasks { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, StopMark> Stopped { get; } = new(StringComparer.Ordinal);
    }
}
