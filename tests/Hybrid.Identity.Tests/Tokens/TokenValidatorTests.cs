using System.Text.Json.Nodes;
using Hybrid.Identity.Development;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Identity.Tests.Tokens;

[Collection(OidcCollection.Name)]
public sealed class TokenValidatorTests
{
    private readonly OidcProviderFixture _oidc;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public TokenValidatorTests(OidcProviderFixture oidc)
    {
        _oidc = oidc;
    }

    [Fact]
    public async Task ValidateAsync_ValidJwt_ReturnsPrincipalWithGroupsScopesAndAudiences()
    {
        var token = await _oidc.TokenAsync("hybrid-admin");

        var outcome = await Validator().ValidateAsync(token);

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
        var principal = outcome.Principal;
        Assert.Equal("hybrid-admin", principal.Subject);
        Assert.Equal("hybrid-admin", principal.ClientId);
        Assert.Equal(_oidc.Issuer, principal.Issuer);
        Assert.Equal(["admins", "operators"], principal.Groups);
        Assert.Equal(["workflows:start", "workflows:read"], principal.Scopes);
        Assert.Equal([OidcProviderFixture.JwtResource, "urn:ping:other-resource"], principal.Audiences);
        Assert.Equal(TokenKind.Jwt, principal.Kind);
        Assert.NotNull(principal.TokenId);
        Assert.InRange(principal.ExpiresAt, _time.GetUtcNow().AddMinutes(110), _time.GetUtcNow().AddMinutes(130));
    }

    [Fact]
    public async Task ValidateAsync_OneGroupSentAsPlainString_ReadsTheGroup()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", scope: "workflows:read");

        var outcome = await Validator().ValidateAsync(token);

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
        Assert.Equal(["readers"], outcome.Principal.Groups);
        Assert.Equal(["workflows:read"], outcome.Principal.Scopes);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredJwt_ReturnsExpiredWithAslErrorAndChallenge()
    {
        var token = await _oidc.TokenAsync();
        _time.Advance(TimeSpan.FromMinutes(121));

        var outcome = await Validator().ValidateAsync(token);

        Assert.False(outcome.IsValid);
        Assert.Equal(TokenFailureCategory.Expired, outcome.Failure.Category);
        Assert.StartsWith("the token expired at ", outcome.Failure.Reason, StringComparison.Ordinal);
        Assert.Equal(IdentityErrors.TokenExpired, outcome.Failure.AslError);
        Assert.Equal(401, outcome.Failure.HttpStatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"the token expired at ", outcome.Failure.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredWithinClockSkew_IsAccepted()
    {
        var token = await _oidc.TokenAsync();
        _time.Advance(TimeSpan.FromMinutes(120) + TimeSpan.FromSeconds(20));

        var outcome = await Validator().ValidateAsync(token);

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
    }

    [Fact]
    public async Task ValidateAsync_NotYetValid_ReturnsInvalid()
    {
        var payload = Forge.Payload(_oidc.Issuer, _time.GetUtcNow());
        payload["nbf"] = _time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds();
        var token = Forge.Rs256(Forge.Header(_oidc.SigningKey.KeyId), payload, _oidc.SigningKey);

        var outcome = await Validator().ValidateAsync(token);

        AssertInvalid(outcome, "the token is not valid before ");
    }

    [Fact]
    public async Task ValidateAsync_ForgedWithIssuerKey_IsAcceptedSoTheNegativeCasesProveOneDefectEach()
    {
        var token = Forge.Rs256(Forge.Header(_oidc.SigningKey.KeyId), Forge.Payload(_oidc.Issuer, _time.GetUtcNow()), _oidc.SigningKey);

        var outcome = await Validator().ValidateAsync(token);

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
        Assert.Equal("forged-subject", outcome.Principal.Subject);
    }

    [Fact]
    public async Task ValidateAsync_WrongIssuer_ReturnsInvalid()
    {
        var token = Forge.Rs256(Forge.Header(_oidc.SigningKey.KeyId), Forge.Payload("https://evil.example", _time.GetUtcNow()), _oidc.SigningKey);

        var outcome = await Validator().ValidateAsync(token);

        AssertInvalid(outcome, "the issuer 'https://evil.example' is not trusted");
    }

    [Fact]
    public async Task ValidateAsync_WrongAudience_ReturnsInvalid()
    {
        var token = await _oidc.TokenAsync();

        var outcome = await Validator(o => o with { Audiences = ["https://billing.hybrid.test"] }).ValidateAsync(token);

        AssertInvalid(outcome, "the audience 'https://api.hybrid.test urn:ping:other-resource' is not accepted");
    }

    [Fact]
    public async Task ValidateAsync_WrongTyp_ReturnsInvalid()
    {
        var token = Forge.Rs256(Forge.Header(_oidc.SigningKey.KeyId, typ: "JWT"), Forge.Payload(_oidc.Issuer, _time.GetUtcNow()), _oidc.SigningKey);

        var outcome = await Validator().ValidateAsync(token);

        AssertInvalid(outcome, "the token type 'JWT' is not accepted");
    }

    [Fact]
    public async Task ValidateAsync_TypJwtWhenConfigured_IsAccepted()
    {
        var token = Forge.Rs256(Forge.Header(_oidc.SigningKey.KeyId, typ: "JWT"), Forge.Payload(_oidc.Issuer, _time.GetUtcNow()), _oidc.SigningKey);

        var outcome = await Validator(o => o with { ValidTypes = ["at+jwt", "JWT"] }).ValidateAsync(token);

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
    }

    [Fact]
    public async Task ValidateAsync_AlgNone_ReturnsInvalid()
    {
        var token = Forge.Unsigned(Forge.Header(_oidc.SigningKey.KeyId, alg: "none"), Forge.Payload(_oidc.Issuer, _time.GetUtcNow()));

        var outcome = await Validator().ValidateAsync(token);

        AssertInvalid(outcome, "unsigned tokens (alg none) are not accepted");
    }

    [Fact]
    public async Task ValidateAsync_HmacSignedWithPublicKey_ReturnsInvalidEvenWhenHs256IsListed()
    {
        var token = Forge.HmacWithPublicKey(Forge.Header(_oidc.SigningKey.KeyId, alg: "HS256"), Forge.Payload(_oidc.Issuer, _time.GetUtcNow()), _oidc.SigningKey);

        var strict = await Validator().ValidateAsync(token);
        var careless = await Validator(o => o with { ValidAlgorithms = ["RS256", "HS256"] }).ValidateAsync(token);

        AssertInvalid(strict, "the signing algorithm 'HS256' is not accepted: only asymmetric signatures");
        AssertInvalid(careless, "the signing algorithm 'HS256' is not accepted: only asymmetric signatures");
    }

    [Fact]
    public async Task ValidateAsync_TamperedPayload_ReturnsInvalidSignature()
    {
        var token = Forge.Tamper(await _oidc.TokenAsync("hybrid-reader", scope: "workflows:read"), p => p["groups"] = new JsonArray("admins"));

        var outcome = await Validator().ValidateAsync(token);

        AssertInvalid(outcome, "the signature does not verify");
    }

    [Fact]
    public async Task ValidateAsync_UnknownKidAfterRotation_RefetchesOnceAndSucceeds()
    {
        var validator = Validator();
        Assert.True((await validator.ValidateAsync(await _oidc.TokenAsync())).IsValid);
        var kid = await _oidc.RotateAsync();
        var token = await _oidc.TokenAsync();
        Assert.Contains(kid, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[0]), StringComparison.Ordinal);

        var first = await validator.ValidateAsync(token);
        var second = await validator.ValidateAsync(await _oidc.TokenAsync());

        Assert.True(first.IsValid, first.Failure?.Reason);
        Assert.True(second.IsValid, second.Failure?.Reason);
        Assert.Equal(1, validator.Keys!.ForcedRefreshes);
    }

    [Fact]
    public async Task ValidateAsync_ConcurrentRequestsAfterRotation_ShareOneRefetch()
    {
        var validator = Validator();
        Assert.True((await validator.ValidateAsync(await _oidc.TokenAsync())).IsValid);
        await _oidc.RotateAsync();
        var token = await _oidc.TokenAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => validator.ValidateAsync(token).AsTask()));

        Assert.All(outcomes, o => Assert.True(o.IsValid, o.Failure?.Reason));
        Assert.Equal(1, validator.Keys!.ForcedRefreshes);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKidTwiceWithinThrottle_RefetchesOnlyOnce()
    {
        var validator = Validator();
        var stranger = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "never-published" };
        var token = Forge.Rs256(Forge.Header(stranger.KeyId), Forge.Payload(_oidc.Issuer, _time.GetUtcNow()), stranger);

        var first = await validator.ValidateAsync(token);
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = await validator.ValidateAsync(token);
        _time.Advance(TimeSpan.FromSeconds(6));
        var third = await validator.ValidateAsync(token);

        AssertInvalid(first, "the signing key 'never-published' is not published by the issuer");
        AssertInvalid(second, "the signing key 'never-published' is not published by the issuer");
        AssertInvalid(third, "the signing key 'never-published' is not published by the issuer");
        Assert.Equal(2, validator.Keys!.ForcedRefreshes);
    }

    [Fact]
    public async Task ValidateAsync_ReferenceToken_IsIntrospectedAndCached()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", OidcProviderFixture.ReferenceResource, "workflows:read");
        var validator = Validator();

        var first = await validator.ValidateAsync(token);
        var second = await validator.ValidateAsync(token);

        Assert.True(first.IsValid, first.Failure?.Reason);
        Assert.Equal(TokenKind.Reference, first.Principal.Kind);
        Assert.Equal("hybrid-reader", first.Principal.Subject);
        Assert.Equal(["readers"], first.Principal.Groups);
        Assert.Equal(["workflows:read"], first.Principal.Scopes);
        Assert.Equal("hybrid-reader", second.Principal?.Subject);
        Assert.Equal(1, validator.Introspection!.CacheMisses);
        Assert.Equal(1, validator.Introspection.CacheHits);
    }

    [Fact]
    public async Task ValidateAsync_RevokedReferenceToken_ReturnsRevoked()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", OidcProviderFixture.ReferenceResource, "workflows:read");
        await _oidc.RevokeAsync(token, "hybrid-reader");

        var outcome = await Validator().ValidateAsync(token);

        Assert.False(outcome.IsValid);
        Assert.Equal(TokenFailureCategory.Revoked, outcome.Failure.Category);
        Assert.Equal(IdentityErrors.TokenRevoked, outcome.Failure.AslError);
    }

    [Fact]
    public async Task ValidateAsync_CachedReferenceTokenRevoked_PassesUntilTheCacheCapThenFails()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", OidcProviderFixture.ReferenceResource, "workflows:read");
        var validator = Validator();
        Assert.True((await validator.ValidateAsync(token)).IsValid);
        await _oidc.RevokeAsync(token, "hybrid-reader");

        var cached = await validator.ValidateAsync(token);
        _time.Advance(TimeSpan.FromSeconds(61));
        var refreshed = await validator.ValidateAsync(token);

        Assert.True(cached.IsValid);
        Assert.Equal(TokenFailureCategory.Revoked, refreshed.Failure?.Category);
    }

    [Fact]
    public async Task ValidateAsync_RevokedJwtWithIntrospectionRequired_ReturnsRevoked()
    {
        var token = await _oidc.TokenAsync();
        await _oidc.RevokeAsync(token);

        var local = await Validator().ValidateAsync(token);
        var strict = await Validator(o => o with { RequireIntrospection = true }).ValidateAsync(token);

        Assert.True(local.IsValid, "local validation cannot see a revocation");
        Assert.False(strict.IsValid);
        Assert.Equal(TokenFailureCategory.Revoked, strict.Failure.Category);
    }

    [Fact]
    public async Task ValidateAsync_ActiveJwtWithIntrospectionRequired_IsAccepted()
    {
        var outcome = await Validator(o => o with { RequireIntrospection = true }).ValidateAsync(await _oidc.TokenAsync());

        Assert.True(outcome.IsValid, outcome.Failure?.Reason);
    }

    [Theory]
    [InlineData("eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln", "the token is malformed")]
    [InlineData("!!!.???.***", "the token is malformed")]
    [InlineData("a.b", "the token is malformed")]
    [InlineData("not a token at all", "the token is malformed")]
    [InlineData("a.b.c.d.e", "encrypted tokens (JWE) are not accepted")]
    public async Task ValidateAsync_MalformedToken_ReturnsInvalid(string token, string reason)
    {
        var outcome = await Validator().ValidateAsync(token);

        AssertInvalid(outcome, reason);
    }

    [Fact]
    public async Task ValidateAsync_MalformedHeaderJson_ReturnsInvalid()
    {
        var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("{\"alg\":\"RS256\",");
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("{}");

        var outcome = await Validator().ValidateAsync($"{header}.{payload}.c2ln");

        AssertInvalid(outcome, "the token is malformed");
    }

    [Fact]
    public async Task ValidateAsync_100KilobyteToken_ReturnsInvalidWithoutParsing()
    {
        var token = "eyJ" + new string('A', 100 * 1024) + ".e30.c2ln";

        var outcome = await Validator().ValidateAsync(token);
        var raised = await Validator(o => o with { MaxTokenLength = 200 * 1024 }).ValidateAsync(token);

        AssertInvalid(outcome, $"the token is {token.Length} characters long; at most 16384 are accepted");
        Assert.False(raised.IsValid);
        Assert.Equal(TokenFailureCategory.Invalid, raised.Failure.Category);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ValidateAsync_NoToken_ReturnsMissingWithBareChallenge(string? token)
    {
        var outcome = await Validator().ValidateAsync(token);

        Assert.False(outcome.IsValid);
        Assert.Equal(TokenFailureCategory.Missing, outcome.Failure.Category);
        Assert.Equal("Bearer", outcome.Failure.WwwAuthenticate);
    }

    [Fact]
    public async Task ValidateAsync_UnknownReferenceToken_ReturnsRevoked()
    {
        var outcome = await Validator().ValidateAsync("vroltWdPEHPGaGfxFSZ3H-_d7-Lw94wY7dLTPqQMB_6");

        Assert.Equal(TokenFailureCategory.Revoked, outcome.Failure?.Category);
    }

    [Fact]
    public async Task ValidateAsync_ProviderUnreachable_ReturnsUnavailable()
    {
        var closed = Hybrid.Testing.FreePorts.Next();
        var validator = new TokenValidator(
            new TokenValidationOptions { Authority = $"http://127.0.0.1:{closed}", Audiences = ["x"], RequireHttpsMetadata = false },
            _oidc.Http,
            _time);
        var token = Forge.Rs256(Forge.Header("k"), Forge.Payload($"http://127.0.0.1:{closed}", _time.GetUtcNow()), _oidc.SigningKey);

        var outcome = await validator.ValidateAsync(token);

        Assert.Equal(TokenFailureCategory.Unavailable, outcome.Failure?.Category);
        Assert.Equal(503, outcome.Failure!.HttpStatusCode);
        Assert.Equal(IdentityErrors.IdentityUnavailable, outcome.Failure.AslError);
    }

    [Fact]
    public async Task ValidateAsync_IntrospectionClientSecretWrong_ReturnsUnavailableNotRevoked()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", OidcProviderFixture.ReferenceResource, "workflows:read");
        var validator = Validator(o => o with { Introspection = new IntrospectionOptions { ClientId = "hybrid-api", ClientSecret = "wrong" } });

        var outcome = await validator.ValidateAsync(token);

        Assert.Equal(TokenFailureCategory.Unavailable, outcome.Failure?.Category);
        Assert.Equal("introspection failed (HTTP 401)", outcome.Failure?.Reason);
    }

    [Fact]
    public async Task ValidateAsync_IntrospectionEndpointUnreachable_ReturnsUnavailable()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", OidcProviderFixture.ReferenceResource, "workflows:read");
        var closed = Hybrid.Testing.FreePorts.Next();
        var validator = Validator(o => o with
        {
            Introspection = new IntrospectionOptions { ClientId = "hybrid-api", ClientSecret = "api-secret", Endpoint = $"http://127.0.0.1:{closed}/as/introspect.oauth2" },
        });

        var outcome = await validator.ValidateAsync(token);

        Assert.Equal(TokenFailureCategory.Unavailable, outcome.Failure?.Category);
        Assert.Equal(503, outcome.Failure?.HttpStatusCode);
    }

    [Fact]
    public async Task ValidateAsync_DevelopmentTokenInDevelopment_IsAccepted()
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-dev-identity-").FullName;
        try
        {
            var issuer = DevelopmentIssuer.LoadOrCreate(folder, _time);
            var token = issuer.Mint(new DevelopmentTokenRequest { Subject = "alice", Groups = ["admins"], Scopes = ["workflows:start"] });
            var validator = new TokenValidator(
                new TokenValidationOptions { TrustDevelopmentIssuer = true, DevelopmentKeyFolder = folder },
                _oidc.Http,
                _time,
                environmentName: "Development");

            var outcome = await validator.ValidateAsync(token);

            Assert.True(outcome.IsValid, outcome.Failure?.Reason);
            Assert.Equal("alice", outcome.Principal.Subject);
            Assert.Equal(["admins"], outcome.Principal.Groups);
            Assert.Equal(TokenKind.Development, outcome.Principal.Kind);
            Assert.Equal(DevelopmentIssuer.IssuerName, outcome.Principal.Issuer);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("Production")]
    [InlineData(null)]
    public void Constructor_DevelopmentIssuerOutsideDevelopment_IsRefusedWithAClearMessage(string? environment)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new TokenValidator(
            new TokenValidationOptions { TrustDevelopmentIssuer = true },
            _oidc.Http,
            _time,
            environmentName: environment));

        Assert.Contains("trusted only when the environment is Development", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_DevelopmentTokenWhenNotTrusted_ReturnsInvalidIssuer()
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-dev-identity-").FullName;
        try
        {
            var token = DevelopmentIssuer.LoadOrCreate(folder, _time).Mint(new DevelopmentTokenRequest { Subject = "alice" });

            var outcome = await Validator().ValidateAsync(token);

            AssertInvalid(outcome, "the issuer 'https://hybrid.local/dev' is not trusted");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void AssertInvalid(TokenValidationOutcome outcome, string reasonStart)
    {
        Assert.False(outcome.IsValid, "expected a failure");
        Assert.Equal(TokenFailureCategory.Invalid, outcome.Failure.Category);
        Assert.StartsWith(reasonStart, outcome.Failure.Reason, StringComparison.Ordinal);
        Assert.Equal(IdentityErrors.TokenInvalid, outcome.Failure.AslError);
    }

    private TokenValidator Validator(Func<TokenValidationOptions, TokenValidationOptions>? change = null)
    {
        var options = new TokenValidationOptions
        {
            Authority = _oidc.Issuer,
            Audiences = [OidcProviderFixture.JwtResource, OidcProviderFixture.ReferenceResource],
            RequireHttpsMetadata = false,
            Introspection = new IntrospectionOptions { ClientId = "hybrid-api", ClientSecret = "api-secret" },
        };
        return new TokenValidator(change is null ? options : change(options), _oidc.Http, _time);
    }
}
