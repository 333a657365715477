using BenchmarkDotNet.Attributes;
using Hybrid.Identity.Tokens;

namespace Hybrid.Benchmarks.Identity;

/// <summary>One RS256 <c>at+jwt</c> check with the issuer's keys already cached: no network at all.</summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private TokenValidator _validator = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = BenchIssuer.NewKey("bench-key");
        _validator = BenchIssuer.Validator([key, BenchIssuer.NewKey("bench-retired")]);
        _token = BenchIssuer.Token(key, TimeSpan.FromHours(2), new Dictionary<string, object>
        {
            ["sub"] = "alice",
            ["client_id"] = "hybrid-admin",
            ["groups"] = new[] { "admins", "operators" },
            ["scope"] = "workflows:start workflows:read",
        });
        var check = _validator.ValidateAsync(_token).AsTask().GetAwaiter().GetResult();
        if (!check.IsValid)
        {
            throw new InvalidOperationException(check.Failure.Reason);
        }
    }

    [Benchmark]
    public async Task<bool> Jwt_KeysCached() => (await _validator.ValidateAsync(_token)).IsValid;
}
