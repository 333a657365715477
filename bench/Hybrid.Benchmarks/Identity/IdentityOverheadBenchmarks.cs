using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Hybrid.Benchmarks.Backends;
using Hybrid.Benchmarks.Durable;
using Hybrid.Durable;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Hybrid.Identity;
using Hybrid.Identity.Development;
using Hybrid.Identity.Sealing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using IHost = Microsoft.Extensions.Hosting.IHost;

namespace Hybrid.Benchmarks.Identity;

// Run:  dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*IdentityOverhead*'
// The five-step ASL workflow of AslVersusHandWrittenBenchmarks on the in-memory backend, twice in the same process and
// run: without identity (the baseline), and with every Task's token check (unseal, RS256 check against the cached
// development key, policy, in-memory audit entry) and the token sealed at the start. Results: docs/performance.md.

/// <summary>End-to-end cost of identity on the 5-activity workflow: one execution at a time, and 200 at once.</summary>
[Config(typeof(BackendColumnsConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 20, invocationCount: 1)]
public class IdentityOverheadBenchmarks
{
    private const int Concurrent = 200;
    private readonly string _keys = Directory.CreateTempSubdirectory("hybrid-bench-identity-").FullName;
    private IHost _plain = null!;
    private IHost _checked = null!;
    private Caller _caller = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = AslVersusHandWrittenBenchmarks.BuildHost(BenchHost.Options(DurableBackendKind.InMemory, null, "benchplain"));
        _checked = AslVersusHandWrittenBenchmarks.BuildHost(
            BenchHost.Options(DurableBackendKind.InMemory, null, "benchidentity"),
            services: services =>
            {
                services.AddSingleton<ITokenSealer>(new TokenSealer(new EphemeralDataProtectionProvider()));
                services.AddHybridIdentity(LocalHost.DevelopmentIdentity(_keys));
                services.AddHybridIdentityChecks();
            },
            environment: "Development");
        _plain.StartAsync().GetAwaiter().GetResult();
        _checked.StartAsync().GetAwaiter().GetResult();
        var token = DevelopmentIssuer.LoadOrCreate(_keys).Mint(new DevelopmentTokenRequest { Subject = "alice", Groups = ["admins"], Lifetime = TimeSpan.FromHours(12) });
        _caller = new Caller("alice", "hybrid-cli", DevelopmentIssuer.IssuerName, ["admins"], []) { Token = token };
        foreach (var (host, caller) in new[] { (_plain, (Caller?)null), (_checked, _caller) })
        {
            if (RunAsync(host, caller).GetAwaiter().GetResult() != 5)
            {
                throw new InvalidOperationException("The five-step workflow did not return 5.");
            }
        }

        var audit = _checked.Services.GetRequiredService<Hybrid.Identity.Audit.IAuditLog>() as Hybrid.Identity.Audit.InMemoryAuditLog;
        if (audit is null || audit.Entries.Count(e => e.State is not null && e.Decision == Hybrid.Identity.Audit.AuditDecision.Allow) != 5)
        {
            throw new InvalidOperationException("The identity host did not check each of the five Tasks.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var host in new[] { _plain, _checked })
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<int> NoIdentity_OneExecution() => RunAsync(_plain, null);

    [Benchmark]
    public Task<int> Identity_OneExecution() => RunAsync(_checked, _caller);

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task NoIdentity_200Concurrent() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => RunAsync(_plain, null)));

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task Identity_200Concurrent() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => RunAsync(_checked, _caller)));

    private static async Task<int> RunAsync(IHost host, Caller? caller)
    {
        var started = await host.Services.GetRequiredService<IExecutionService>().StartAsync("five", new JsonObject { ["n"] = 0 }, caller: caller);
        var done = await host.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(started.ExecutionId, getInputsAndOutputs: true);
        var outcome = done.ReadOutputAs<RunOutcome>()!;
        return outcome.Status == "SUCCEEDED" ? JsonNode.Parse(outcome.Output!)!["n"]!.GetValue<int>() : throw new InvalidOperationException(outcome.Cause);
    }
}
