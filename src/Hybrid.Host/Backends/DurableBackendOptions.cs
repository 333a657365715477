using System.Text.RegularExpressions;

namespace Hybrid.Host.Backends;

/// <summary>Which DurableTask.Core backend the local host's sidecar runs on.</summary>
public enum DurableBackendKind
{
    /// <summary>Everything in this process's memory: nothing to install, nothing survives a restart.</summary>
    InMemory,

    /// <summary>Azure Storage queues, tables and blobs: Azurite locally, or a real storage account.</summary>
    AzureStorage,
}

/// <summary>How the local host runs its durable backend. Bind it from configuration or build it in code.</summary>
public sealed partial record DurableBackendOptions
{
    /// <summary>The connection string of the Azurite instance on its default ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>The backend. In-memory by default.</summary>
    public DurableBackendKind Backend { get; init; } = DurableBackendKind.InMemory;

    /// <summary>Azure Storage only: the storage connection string (Azurite on its default ports by default).</summary>
    public string ConnectionString { get; init; } = DevelopmentStorage;

    /// <summary>Azure Storage only: the task hub, which names its queues, tables and blob containers (3-45 letters and digits, starting with a letter).</summary>
    public string TaskHub { get; init; } = "HybridLocal";

    /// <summary>
    /// Azure Storage only: this worker's identity in the partition leases. Restart with the same id after a crash to take
    /// its leases back at once; a new id waits for the old leases to expire (about 30 s).
    /// </summary>
    public string WorkerId { get; init; } = Environment.MachineName;

    /// <summary>Orchestration episodes processed at once (by the backend's dispatcher and by the worker).</summary>
    public int MaxConcurrentOrchestrations { get; init; } = 100;

    /// <summary>Activities executed at once (by the backend's dispatcher and by the worker).</summary>
    public int MaxConcurrentActivities { get; init; } = 100;

    /// <summary>
    /// How long each stage of stopping may take: the worker's work in flight, then the backend (so a host stops within
    /// about twice this). Work that does not finish in time is abandoned and, being durable, runs again on the next
    /// start. Without a bound the sidecar waits up to 60 minutes for it.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Azure Storage only: the longest pause between two polls of an idle queue (the backend's default, 30 s, makes a
    /// quiet local host slow to notice new work).
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a waiting orchestration keeps its executor in memory (an extended session), so that its next episode runs
    /// only the new events instead of replaying its history from the start. Zero, the default, turns sessions off: every
    /// episode replays, as the SDK's worker does on its own. Sessions help long executions and low concurrency, and cost
    /// throughput at high concurrency under the workstation GC (docs/performance.md).
    /// </summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// In-memory only: how long a closed execution (succeeded, failed, timed out or aborted) is kept after it closed, with
    /// its branches, Map iterations and Step Functions history; then it is purged, as Step Functions forgets closed
    /// executions after its retention period. Bounds the memory of a host that serves for days. A day by default, so a
    /// working day's executions stay inspectable; zero keeps everything. Azure Storage keeps every execution.
    /// </summary>
    public TimeSpan InMemoryRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Azure Storage only: control-queue partitions (1-16). Fixed when the task hub is created.</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when a value cannot work.</summary>
    public void Validate()
    {
        Check.Positive(MaxConcurrentOrchestrations);
        Check.Positive(MaxConcurrentActivities);
        Check.Positive(ShutdownTimeout);
        ArgumentOutOfRangeException.ThrowIfLessThan(SessionIdleTimeout, TimeSpan.Zero, nameof(SessionIdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(InMemoryRetention, TimeSpan.Zero, nameof(InMemoryRetention));
        if (Backend is not (DurableBackendKind.InMemory or DurableBackendKind.AzureStorage))
        {
            throw new ArgumentOutOfRangeException(nameof(Backend), Backend, "Unknown durable backend.");
        }

        if (Backend == DurableBackendKind.AzureStorage)
        {
            Check.NotBlank(ConnectionString);
            Check.NotBlank(WorkerId);
            Check.Positive(MaxQueuePollingInterval);
            ArgumentOutOfRangeException.ThrowIfLessThan(PartitionCount, 1, nameof(PartitionCount));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(PartitionCount, 16, nameof(PartitionCount));
            if (!TaskHubName().IsMatch(TaskHub ?? ""))
            {
                throw new ArgumentException(
                    $"The task hub name '{TaskHub}' is invalid: use 3 to 45 letters and digits, starting with a letter.", nameof(TaskHub));
            }
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex TaskHubName();
}
