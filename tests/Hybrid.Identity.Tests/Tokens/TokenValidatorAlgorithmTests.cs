using System.Security.Cryptography;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Identity.Tests.Tokens;

/// <summary>Algorithms Ping may sign with, checked against fixed keys (no provider needed).</summary>
public sealed class TokenValidatorAlgorithmTests
{
    private const string Issuer = "https://sso.example.com";
    private const string Audience = "https://api.example.com";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha256)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha384)]
    public async Task ValidateAsync_RsaFamilies_AreAccepted(string algorithm)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };

        var outcome = await Validator(key).ValidateAsync(Mint(key, algorithm));

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.EcdsaSha256, "nistP256")]
    [InlineData(SecurityAlgorithms.EcdsaSha384, "nistP384")]
    public async Task ValidateAsync_EcdsaFamilies_AreAccepted(string algorithm, string curve)
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.CreateFromFriendlyName(curve))) { KeyId = "ec" };

        var outcome = await Validator(key).ValidateAsync(Mint(key, algorithm));

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
    }

    [Fact]
    public async Task ValidateAsync_AlgorithmNotConfigured_ReturnsInvalid()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };
        var validator = Validator(key, o => o with { ValidAlgorithms = ["PS256"] });

        var outcome = await validator.ValidateAsync(Mint(key, SecurityAlgorithms.RsaSha256));

        Assert.Equal(TokenFailureCategory.Invalid, outcome.Failure?.Category);
        Assert.Equal("the signing algorithm 'RS256' is not accepted", outcome.Failure?.Reason);
    }

    [Fact]
    public async Task ValidateAsync_NoExp_ReturnsInvalid()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

        var outcome = await Validator(key).ValidateAsync(token);

        Assert.Equal("the token has no expiry (exp)", outcome.Failure?.Reason);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredSignedToken_CarriesTheExpiredPrincipal()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };
        var token = Mint(key, SecurityAlgorithms.RsaSha256);
        _time.Advance(TimeSpan.FromHours(2));

        var outcome = await Validator(key).ValidateAsync(token);

        Assert.Equal(TokenFailureCategory.Expired, outcome.Failure?.Category);
        Assert.Equal("the token expired at 2026-11-28T13:00:00Z", outcome.Failure?.Reason);
        Assert.Equal("alice", outcome.Failure?.ExpiredPrincipal?.Subject);
    }

    private string Mint(SecurityKey key, string algorithm)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            Expires = now.AddHours(1),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "alice", ["groups"] = "admins" },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private TokenValidator Validator(SecurityKey key, Func<TokenValidationOptions, TokenValidationOptions>? change = null)
    {
        var options = new TokenValidationOptions { Authority = Issuer, Audiences = [Audience] };
        return new TokenValidator(
            change is null ? options : change(options),
            null,
            StaticKeys.Create(StaticKeys.Configuration(Issuer, key), _time, NullLogger.Instance),
            _time,
            NullLogger.Instance,
            null);
    }
}
