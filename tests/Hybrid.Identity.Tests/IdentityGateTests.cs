using Hybrid.Identity.Audit;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Tests.Tokens;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Identity.Tests;

[Collection(OidcCollection.Name)]
public sealed class IdentityGateTests
{
    private readonly OidcProviderFixture _oidc;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly InMemoryAuditLog _audit = new();
    private readonly IdentityGate _gate;

    public IdentityGateTests(OidcProviderFixture oidc)
    {
        _oidc = oidc;
        var validator = new TokenValidator(
            new TokenValidationOptions
            {
                Authority = oidc.Issuer,
                Audiences = [OidcProviderFixture.JwtResource, OidcProviderFixture.ReferenceResource],
                RequireHttpsMetadata = false,
                Introspection = new IntrospectionOptions { ClientId = "hybrid-api", ClientSecret = "api-secret" },
            },
            oidc.Http,
            _time);
        var policy = new AccessPolicyEvaluator(new AccessPolicyOptions
        {
            Rules =
            [
                new AccessRule { Name = "admins", Workflows = ["*"], Actions = [WorkflowAction.Start, WorkflowAction.Read, WorkflowAction.Stop], Groups = ["admins"] },
                new AccessRule { Name = "readers", Workflows = ["*"], Actions = [WorkflowAction.Read], Groups = ["readers"] },
            ],
        });
        _gate = new IdentityGate(validator, policy, _audit, _time);
    }

    [Fact]
    public async Task AuthorizeAsync_ValidTokenAllowedByPolicy_Returns200AndAuditsWhoAndWhat()
    {
        var outcome = await _gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Start));

        Assert.True(outcome.IsAllowed, outcome.Reason);
        Assert.Equal(200, outcome.StatusCode);
        Assert.Null(outcome.AslError);
        var entry = Assert.Single(await _audit.QueryByExecutionAsync("exec-1"));
        Assert.Equal(AuditDecision.Allow, entry.Decision);
        Assert.Equal("hybrid-admin", entry.Subject);
        Assert.Equal("hybrid-admin", entry.ClientId);
        Assert.Equal(_oidc.Issuer, entry.Issuer);
        Assert.Equal(["admins", "operators"], entry.Groups);
        Assert.Equal("Start", entry.Action);
        Assert.Equal("payroll", entry.Workflow);
        Assert.Equal("Pay", entry.State);
        Assert.Equal("admins", entry.PolicyRule);
        Assert.Equal("rule 'admins' allows starting 'payroll' to group 'admins'", entry.Reason);
        Assert.Equal("corr-42", entry.CorrelationId);
        Assert.Equal(_time.GetUtcNow(), entry.Time);
        Assert.Equal(TokenKind.Jwt, entry.TokenKind);
    }

    [Fact]
    public async Task AuthorizeAsync_ValidTokenDeniedByPolicy_Returns403AndAuditsTheDenial()
    {
        var token = await _oidc.TokenAsync("hybrid-reader", scope: "workflows:read");

        var outcome = await _gate.AuthorizeAsync(token, Request(WorkflowAction.Stop));

        Assert.False(outcome.IsAllowed);
        Assert.Equal(403, outcome.StatusCode);
        Assert.Equal(IdentityErrors.AccessDenied, outcome.AslError);
        Assert.Equal("Bearer error=\"insufficient_scope\"", outcome.WwwAuthenticate);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(AuditDecision.Deny, entry.Decision);
        Assert.Equal("hybrid-reader", entry.Subject);
        Assert.Equal(["readers"], entry.Groups);
        Assert.Null(entry.PolicyRule);
        Assert.Equal(IdentityErrors.AccessDenied, entry.Error);
    }

    [Fact]
    public async Task AuthorizeAsync_ExpiredToken_Returns401AndAuditsTokenExpired()
    {
        var token = await _oidc.TokenAsync();
        _time.Advance(TimeSpan.FromHours(3));

        var outcome = await _gate.AuthorizeAsync(token, Request(WorkflowAction.Start));

        AssertRefused(outcome, 401, IdentityErrors.TokenExpired, "the token expired at ");
    }

    [Fact]
    public async Task AuthorizeAsync_RevokedReferenceToken_Returns401AndAuditsTokenRevoked()
    {
        var token = await _oidc.TokenAsync("hybrid-admin", OidcProviderFixture.ReferenceResource);
        await _oidc.RevokeAsync(token);

        var outcome = await _gate.AuthorizeAsync(token, Request(WorkflowAction.Read));

        AssertRefused(outcome, 401, IdentityErrors.TokenRevoked, "the authorization server reports the token is not active");
    }

    [Theory]
    [InlineData("wrong-issuer", "the issuer 'https://evil.example' is not trusted")]
    [InlineData("wrong-typ", "the token type 'JWT' is not accepted")]
    [InlineData("alg-none", "unsigned tokens (alg none) are not accepted")]
    [InlineData("hmac-public-key", "the signing algorithm 'HS256' is not accepted")]
    [InlineData("not-yet-valid", "the token is not valid before ")]
    [InlineData("malformed-header", "the token is malformed")]
    [InlineData("100kb", "the token is 102412 characters long")]
    public async Task AuthorizeAsync_BadToken_Returns401AndAuditsTokenInvalid(string kind, string reason)
    {
        var now = _time.GetUtcNow();
        var key = _oidc.SigningKey;
        var token = kind switch
        {
            "wrong-issuer" => Forge.Rs256(Forge.Header(key.KeyId), Forge.Payload("https://evil.example", now), key),
            "wrong-typ" => Forge.Rs256(Forge.Header(key.KeyId, typ: "JWT"), Forge.Payload(_oidc.Issuer, now), key),
            "alg-none" => Forge.Unsigned(Forge.Header(key.KeyId, alg: "none"), Forge.Payload(_oidc.Issuer, now)),
            "hmac-public-key" => Forge.HmacWithPublicKey(Forge.Header(key.KeyId, alg: "HS256"), Forge.Payload(_oidc.Issuer, now), key),
            "not-yet-valid" => Forge.Rs256(Forge.Header(key.KeyId), NotBefore(Forge.Payload(_oidc.Issuer, now), now.AddMinutes(10)), key),
            "malformed-header" => "eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln",
            _ => "eyJ" + new string('A', 100 * 1024) + ".e30.c2ln",
        };

        var outcome = await _gate.AuthorizeAsync(token, Request(WorkflowAction.Start));

        AssertRefused(outcome, 401, IdentityErrors.TokenInvalid, reason);
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"", outcome.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizeAsync_AuditLogFails_RefusesWith503()
    {
        var validator = new TokenValidator(
            new TokenValidationOptions { Authority = _oidc.Issuer, Audiences = [OidcProviderFixture.JwtResource], RequireHttpsMetadata = false },
            _oidc.Http,
            _time);
        var gate = new IdentityGate(
            validator,
            new AccessPolicyEvaluator(new AccessPolicyOptions { Rules = [new AccessRule { Name = "all", Workflows = ["*"], Actions = [WorkflowAction.Start], Groups = ["admins"] }] }),
            new BrokenAuditLog(),
            _time);

        var outcome = await gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Start));

        Assert.False(outcome.IsAllowed);
        Assert.Equal(503, outcome.StatusCode);
    }

    [Theory]
    [InlineData(true, false, 401)]
    [InlineData(false, false, 401)]
    [InlineData(true, true, 401)]
    [InlineData(false, true, 200)]
    public async Task AuthorizeAsync_ExpiredToken_CutsOffInFlightWorkOnlyWhenConfigured(bool cutOff, bool inFlight, int status)
    {
        var gate = GateWith(new IdentityGateOptions { CutOffInFlightWorkOnExpiry = cutOff });
        var token = await _oidc.TokenAsync();
        _time.Advance(TimeSpan.FromHours(3));

        var outcome = await gate.AuthorizeAsync(token, Request(WorkflowAction.Start) with { InFlight = inFlight });

        Assert.Equal(status, outcome.StatusCode);
        var entry = Assert.Single(_audit.Entries);
        if (status == 200)
        {
            Assert.Equal(AuditDecision.Allow, entry.Decision);
            Assert.Equal("hybrid-admin", entry.Subject);
            Assert.Equal("admins", entry.PolicyRule);
            Assert.Contains("but in-flight work goes on", entry.Reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(IdentityErrors.TokenExpired, entry.Error);
        }
    }

    [Fact]
    public async Task AuthorizeAsync_RevokedTokenInFlightWithCutOffOff_IsStillRefused()
    {
        var gate = GateWith(new IdentityGateOptions { CutOffInFlightWorkOnExpiry = false });
        var token = await _oidc.TokenAsync("hybrid-admin", OidcProviderFixture.ReferenceResource);
        await _oidc.RevokeAsync(token);

        var outcome = await gate.AuthorizeAsync(token, Request(WorkflowAction.Start) with { InFlight = true });

        Assert.Equal(401, outcome.StatusCode);
        Assert.Equal(IdentityErrors.TokenRevoked, outcome.AslError);
    }

    [Fact]
    public async Task AuthorizeAsync_WrongAudience_Returns401AndAuditsTokenInvalid()
    {
        var gate = GateWith(new IdentityGateOptions(), o => o with { Audiences = ["https://billing.hybrid.test"] });

        var outcome = await gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Start));

        AssertRefused(outcome, 401, IdentityErrors.TokenInvalid, "the audience 'https://api.hybrid.test urn:ping:other-resource' is not accepted");
    }

    [Fact]
    public async Task AuthorizeAsync_TamperedPayload_Returns401AndAuditsTokenInvalid()
    {
        var token = Forge.Tamper(await _oidc.TokenAsync("hybrid-reader", scope: "workflows:read"), p => p["groups"] = new System.Text.Json.Nodes.JsonArray("admins"));

        var outcome = await _gate.AuthorizeAsync(token, Request(WorkflowAction.Start));

        AssertRefused(outcome, 401, IdentityErrors.TokenInvalid, "the signature does not verify");
    }

    [Fact]
    public async Task AuthorizeAsync_UnknownKidAfterRotation_IsAllowedAfterOneRefetchAndAudited()
    {
        Assert.True((await _gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Read))).IsAllowed);
        await _oidc.RotateAsync();

        var outcome = await _gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Start));

        Assert.True(outcome.IsAllowed, outcome.Reason);
        Assert.Equal(2, _audit.Entries.Count);
        Assert.All(_audit.Entries, e => Assert.Equal(AuditDecision.Allow, e.Decision));
        Assert.Equal("Start", _audit.Entries[1].Action);
    }

    [Fact]
    public async Task AuthorizeAsync_RevokedJwtWithIntrospectionRequired_Returns401AndAuditsTokenRevoked()
    {
        var gate = GateWith(new IdentityGateOptions(), o => o with { RequireIntrospection = true });
        var token = await _oidc.TokenAsync();
        await _oidc.RevokeAsync(token);

        var outcome = await gate.AuthorizeAsync(token, Request(WorkflowAction.Start));

        AssertRefused(outcome, 401, IdentityErrors.TokenRevoked, "the authorization server reports the token is no longer active");
    }

    private IdentityGate GateWith(IdentityGateOptions options, Func<TokenValidationOptions, TokenValidationOptions>? change = null)
    {
        var tokenOptions = new TokenValidationOptions
        {
            Authority = _oidc.Issuer,
            Audiences = [OidcProviderFixture.JwtResource, OidcProviderFixture.ReferenceResource],
            RequireHttpsMetadata = false,
            Introspection = new IntrospectionOptions { ClientId = "hybrid-api", ClientSecret = "api-secret" },
        };
        var validator = new TokenValidator(change is null ? tokenOptions : change(tokenOptions), _oidc.Http, _time);
        var policy = new AccessPolicyEvaluator(new AccessPolicyOptions
        {
            Rules = [new AccessRule { Name = "admins", Workflows = ["*"], Actions = [WorkflowAction.Start], Groups = ["admins"] }],
        });
        return new IdentityGate(validator, policy, _audit, _time, options: options);
    }

    private static System.Text.Json.Nodes.JsonObject NotBefore(System.Text.Json.Nodes.JsonObject payload, DateTimeOffset nbf)
    {
        payload["nbf"] = nbf.ToUnixTimeSeconds();
        return payload;
    }

    private void AssertRefused(AccessOutcome outcome, int status, string error, string reasonStart)
    {
        Assert.False(outcome.IsAllowed);
        Assert.Equal(status, outcome.StatusCode);
        Assert.Equal(error, outcome.AslError);
        Assert.StartsWith(reasonStart, outcome.Reason, StringComparison.Ordinal);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(AuditDecision.Deny, entry.Decision);
        Assert.Equal(error, entry.Error);
        Assert.Equal(outcome.Reason, entry.Reason);
        Assert.Null(entry.Subject);
        Assert.Equal("exec-1", entry.ExecutionId);
        Assert.Equal("corr-42", entry.CorrelationId);
    }

    [Fact]
    public async Task AuthorizeAsync_AnyWorkflow_AllowsWhenSomeWorkflowIsAllowedAndAuditsIt()
    {
        var outcome = await _gate.AuthorizeAsync(await _oidc.TokenAsync(client: "hybrid-reader"), Request(WorkflowAction.Read) with { Workflow = AccessRequest.AnyWorkflow });

        Assert.True(outcome.IsAllowed, outcome.Reason);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal("*", entry.Workflow);
        Assert.Equal("readers", entry.PolicyRule);
    }

    [Fact]
    public async Task AuthorizeAsync_RequiredSubjectDiffers_Returns403AndAuditsWhoTried()
    {
        var outcome = await _gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Start) with { RequiredSubject = "alice" });

        Assert.False(outcome.IsAllowed);
        Assert.Equal(403, outcome.StatusCode);
        Assert.Equal(IdentityErrors.AccessDenied, outcome.AslError);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(AuditDecision.Deny, entry.Decision);
        Assert.Equal("hybrid-admin", entry.Subject);
        Assert.Equal("only 'alice', for whom the execution runs, may hand it a token, not 'hybrid-admin'", entry.Reason);
    }

    [Fact]
    public async Task AuthorizeAsync_RequiredSubjectMatches_IsDecidedByThePolicy()
    {
        var outcome = await _gate.AuthorizeAsync(await _oidc.TokenAsync(), Request(WorkflowAction.Start) with { RequiredSubject = "hybrid-admin" });

        Assert.True(outcome.IsAllowed, outcome.Reason);
        Assert.Equal("admins", outcome.Decision!.Rule);
    }

    [Fact]
    public async Task RecordAsync_AllowedAndRefused_AreAuditedLikeChecks()
    {
        var allowed = await _gate.RecordAsync(Request(WorkflowAction.Start), null, "started by the host");
        var refused = await _gate.RecordAsync(Request(WorkflowAction.Start), new TokenFailure(TokenFailureCategory.Invalid, "cannot unseal"));

        Assert.True(allowed.IsAllowed);
        Assert.False(refused.IsAllowed);
        Assert.Equal(401, refused.StatusCode);
        Assert.Equal(IdentityErrors.TokenInvalid, refused.AslError);
        Assert.Collection(
            _audit.Entries,
            e => Assert.Equal((AuditDecision.Allow, "started by the host", (string?)null), (e.Decision, e.Reason, e.Error)),
            e => Assert.Equal((AuditDecision.Deny, "cannot unseal", (string?)IdentityErrors.TokenInvalid), (e.Decision, e.Reason, e.Error)));
    }

    private static AccessRequest Request(WorkflowAction action) => new()
    {
        Action = action,
        Workflow = "payroll",
        ExecutionId = "exec-1",
        State = "Pay",
        CorrelationId = "corr-42",
    };

    private sealed class BrokenAuditLog : IAuditLog
    {
        public ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
            => throw new IOException("disk full");

        public ValueTask<IReadOnlyList<AuditEntry>> QueryByExecutionAsync(string executionId, CancellationToken cancellationToken = default)
            => throw new IOException("disk full");
    }
}
