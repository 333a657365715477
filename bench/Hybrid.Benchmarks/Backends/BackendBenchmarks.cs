using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Hybrid.Host.Backends;

namespace Hybrid.Benchmarks.Backends;

// Run:  dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*Backend*'
// Results and method: docs/backends.md. Each iteration is one real operation (invocation count 1), so the statistics are
// over operations, not over batched loops.

/// <summary>The columns the backend figures need: median (p50) and p95 beside the mean.</summary>
internal sealed class BackendColumnsConfig : ManualConfig
{
    public BackendColumnsConfig() => AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
}

/// <summary>Base of the backend benchmarks: starts Azurite when the Azure Storage backend is measured.</summary>
public abstract class BackendBenchmarkBase
{
    private BenchAzurite? _azurite;

    [Params(DurableBackendKind.InMemory, DurableBackendKind.AzureStorage)]
    public DurableBackendKind Backend { get; set; }

    internal DurableBackendOptions Options(string taskHub) => BenchHost.Options(Backend, _azurite?.ConnectionString, taskHub);

    protected void StartStorage()
    {
        if (Backend == DurableBackendKind.AzureStorage)
        {
            _azurite = BenchAzurite.Start();
        }
    }

    protected void StopStorage() => _azurite?.Dispose();
}

/// <summary>
/// Host start: <c>IHost.StartAsync</c> of a host wired by <c>AddHybridDurableBackend</c> (task hub created or opened,
/// sidecar listening, worker started). "Cold": the first start in a fresh process (JIT included), on a fresh Azurite, so
/// the task hub is created; one per launch. "Warm": later starts in the same process, the task hub existing.
/// </summary>
[Config(typeof(BackendColumnsConfig))]
[SimpleJob(RunStrategy.ColdStart, launchCount: 8, warmupCount: 0, iterationCount: 1, invocationCount: 1, id: "Cold")]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15, invocationCount: 1, id: "Warm")]
public class BackendStartBenchmarks : BackendBenchmarkBase
{
    private BenchHost? _host;

    [GlobalSetup]
    public void Setup() => StartStorage();

    [GlobalCleanup]
    public void Cleanup() => StopStorage();

    [Benchmark]
    public async Task StartHost() => _host = await BenchHost.StartAsync(Options("benchstart"));

    [IterationCleanup]
    public void StopHost()
    {
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host = null;
    }
}

/// <summary>Idle latency: one five-activity orchestration at a time, from schedule to the client seeing it completed.</summary>
[Config(typeof(BackendColumnsConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 40, invocationCount: 1)]
public class BackendLatencyBenchmarks : BackendBenchmarkBase
{
    private BenchHost _host = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        StartStorage();
        _host = BenchHost.StartAsync(Options("benchlatency")).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        StopStorage();
    }

    [Benchmark]
    public Task FiveActivityOrchestration() => _host.RunOneAsync(Interlocked.Increment(ref _next));
}

/// <summary>Throughput: 200 five-activity orchestrations scheduled at once (1,000 activities), until the last completes.</summary>
[Config(typeof(BackendColumnsConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class BackendThroughputBenchmarks : BackendBenchmarkBase
{
    public const int Orchestrations = 200;
    private BenchHost _host = null!;

    [GlobalSetup]
    public void Setup()
    {
        StartStorage();
        _host = BenchHost.StartAsync(Options("benchthroughput")).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        StopStorage();
    }

    [Benchmark(OperationsPerInvoke = Orchestrations)]
    public Task TwoHundredConcurrent() => Task.WhenAll(Enumerable.Range(0, Orchestrations).Select(i => _host.RunOneAsync(i)));
}
