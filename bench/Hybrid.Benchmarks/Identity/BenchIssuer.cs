using System.Security.Cryptography;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Benchmarks.Identity;

/// <summary>
/// The identity benchmarks' issuer: a validator whose signing keys are cached (no network, no discovery), and RS256
/// <c>at+jwt</c> tokens for it.
/// </summary>
internal static class BenchIssuer
{
    public const string Issuer = "https://sso.example.com";
    public const string Audience = "https://api.example.com";

    public static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

    /// <summary>A validator trusting <paramref name="keys"/>, optionally with introspection (and its HTTP client).</summary>
    public static TokenValidator Validator(RsaSecurityKey[] keys, IntrospectionOptions? introspection = null, HttpClient? http = null) => new(
        new TokenValidationOptions { Authority = Issuer, Audiences = [Audience], Introspection = introspection },
        http,
        StaticKeys.Create(StaticKeys.Configuration(Issuer, keys), TimeProvider.System, NullLogger.Instance),
        TimeProvider.System,
        NullLogger.Instance,
        null);

    /// <summary>A token signed with <paramref name="key"/>, valid from now for <paramref name="lifetime"/>.</summary>
    public static string Token(RsaSecurityKey key, TimeSpan lifetime, Dictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(lifetime),
            TokenType = "at+jwt",
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }
}
