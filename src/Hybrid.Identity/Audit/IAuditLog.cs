using System.Collections.Concurrent;

namespace Hybrid.Identity.Audit;

/// <summary>An append-only audit log: entries are added, never changed or removed.</summary>
public interface IAuditLog
{
    ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The entries of one execution, oldest first.</summary>
    ValueTask<IReadOnlyList<AuditEntry>> QueryByExecutionAsync(string executionId, CancellationToken cancellationToken = default);
}

/// <summary>An in-process audit log for tests and the embedded host.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly ConcurrentQueue<AuditEntry> _entries = new();

    /// <summary>Every entry, in append order.</summary>
    public IReadOnlyList<AuditEntry> Entries => [.. _entries];

    public ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        _entries.Enqueue(Check.NotNull(entry));
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<AuditEntry>> QueryByExecutionAsync(string executionId, CancellationToken cancellationToken = default)
    {
        Check.NotNull(executionId);
        IReadOnlyList<AuditEntry> found =
        [
            .. _entries.Where(e => string.Equals(e.ExecutionId, executionId, StringComparison.Ordinal))
                .OrderBy(e => e.Time),
        ];
        return ValueTask.FromResult(found);
    }
}
