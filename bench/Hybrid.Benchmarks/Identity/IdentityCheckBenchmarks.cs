using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Orchestration;
using Hybrid.Identity;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Sealing;
using Hybrid.Identity.Tokens;
using Microsoft.AspNetCore.DataProtection;

namespace Hybrid.Benchmarks.Identity;

// Run:  dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*IdentityCheck*'
// The identity check the dispatch activity makes before a Task, with the issuer's keys cached (no network): unseal the
// execution's token, check the RS256 at+jwt, apply the policy, write the audit entry (to a log that only counts, so the
// figure is the check's own cost, not a storage round trip). The baseline is the bare token check of the same run.

/// <summary>The activity's identity check (IdentityDispatchMiddleware) against the bare token check.</summary>
[MemoryDiagnoser]
[Config(typeof(Backends.BackendColumnsConfig))]
public class IdentityCheckBenchmarks
{
    private TokenValidator _validator = null!;
    private IdentityDispatchMiddleware _middleware = null!;
    private DispatchContext _context = null!;
    private string _token = null!;
    private readonly CountingAuditLog _audit = new();

    [GlobalSetup]
    public void Setup()
    {
        var key = BenchIssuer.NewKey("bench-key");
        _validator = BenchIssuer.Validator([key]);
        _token = BenchIssuer.Token(key, TimeSpan.FromHours(12), new Dictionary<string, object> { ["sub"] = "alice", ["client_id"] = "hybrid-admin", ["groups"] = new[] { "admins" } });
        var policy = new AccessPolicyEvaluator(new AccessPolicyOptions
        {
            Rules = [new AccessRule { Name = "admins", Workflows = ["*"], Actions = [WorkflowAction.Start], Groups = ["admins"] }],
        });
        var sealer = new TokenSealer(new EphemeralDataProtectionProvider());
        _middleware = new IdentityDispatchMiddleware(new IdentityGate(_validator, policy, _audit), sealer);
        var request = new DispatchRequest("five:bench", "five", "S1", "arn:hybrid:increment", "{}", 0, null, null, "{}", "alice", sealer.Seal(_token, "five:bench"), null);
        _context = new DispatchContext(request, new TaskInvocation("S1", "arn:hybrid:increment", new JsonObject(), 0, null, null, null, new JsonObject()));
        if (!CheckBeforeTask().AsTask().GetAwaiter().GetResult() || _audit.Allowed != 1)
        {
            throw new InvalidOperationException("The identity check did not allow the task.");
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<bool> TokenCheck_KeysCached() => (await _validator.ValidateAsync(_token)).IsValid;

    [Benchmark]
    public async ValueTask<bool> CheckBeforeTask() =>
        await _middleware.InvokeAsync(_context, static () => ValueTask.FromResult<JsonNode?>(null), CancellationToken.None) is null;

    /// <summary>Counts entries and keeps none, so a long run does not grow the heap.</summary>
    private sealed class CountingAuditLog : IAuditLog
    {
        public long Allowed { get; private set; }

        public ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
        {
            if (entry.Decision == AuditDecision.Allow)
            {
                Allowed++;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyList<AuditEntry>> QueryByExecutionAsync(string executionId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<AuditEntry>>([]);
    }
}
