using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Benchmarks.Identity;

/// <summary>One RS256 <c>at+jwt</c> check with the issuer's keys already cached: no network at all.</summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private const string Issuer = "https://sso.example.com";
    private const string Audience = "https://api.example.com";
    private TokenValidator _validator = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "bench-key" };
        var other = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "bench-retired" };
        var configuration = StaticKeys.Configuration(Issuer, key, other);
        _validator = new TokenValidator(
            new TokenValidationOptions { Authority = Issuer, Audiences = [Audience] },
            null,
            StaticKeys.Create(configuration, TimeProvider.System, NullLogger.Instance),
            TimeProvider.System,
            NullLogger.Instance,
            null);
        var now = DateTime.UtcNow;
        _token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(2),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "alice",
                ["client_id"] = "hybrid-admin",
                ["groups"] = new[] { "admins", "operators" },
                ["scope"] = "workflows:start workflows:read",
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
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
