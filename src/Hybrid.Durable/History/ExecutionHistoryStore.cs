using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.History;

/// <summary>
/// Where an execution's Step Functions history is kept. Orchestrations append events through an activity at their
/// durable steps; ids are assigned in append order when the history is read. Appends are idempotent per
/// (instance, sequence), since activities may run again after a crash.
/// </summary>
public interface IExecutionHistoryStore
{
    Task AppendAsync(string executionId, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredEvent>> ReadAsync(string executionId, CancellationToken cancellationToken = default);
}

/// <summary>The embedded store: in memory, for the in-memory backend.</summary>
public sealed class InMemoryExecutionHistoryStore : IExecutionHistoryStore
{
    private readonly ConcurrentDictionary<string, Log> _logs = new(StringComparer.Ordinal);

    public Task AppendAsync(string executionId, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
    {
        var log = _logs.GetOrAdd(executionId, _ => new Log());
        lock (log)
        {
            foreach (var e in events)
            {
                if (log.Seen.Add((e.Instance, e.Sequence)))
                {
                    log.Events.Add(e);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string executionId, CancellationToken cancellationToken = default)
    {
        if (!_logs.TryGetValue(executionId, out var log))
        {
            return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
        }

        lock (log)
        {
            return Task.FromResult<IReadOnlyList<StoredEvent>>([.. log.Events]);
        }
    }

    /// <summary>
    /// Forgets an execution's history: the in-memory backend's retention purged the execution. Only this store forgets;
    /// the Table store, beside Azure Storage, keeps every execution as that backend does.
    /// </summary>
    public void Remove(string executionId) => _logs.TryRemove(executionId, out _);

    private sealed class Log
    {
        public List<StoredEvent> Events { get; } = [];

        public HashSet<(string, long)> Seen { get; } = [];
    }
}

/// <summary>Turns stored events into numbered history events, each linked to the one before.</summary>
public static class HistoryNumbering
{
    public static IReadOnlyList<HistoryEvent> Number(IEnumerable<StoredEvent> events)
    {
        var result = new List<HistoryEvent>();
        foreach (var e in events)
        {
            var id = result.Count + 1;
            result.Add(new HistoryEvent(id, id - 1, e.Timestamp, e.Type, e.Details is null ? null : JsonNode.Parse(e.Details) as JsonObject));
        }

        return result;
    }
}
