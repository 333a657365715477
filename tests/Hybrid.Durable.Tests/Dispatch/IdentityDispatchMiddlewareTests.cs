using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Orchestration;
using Hybrid.Identity;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Sealing;
using Hybrid.Identity.Tokens;
using Microsoft.AspNetCore.DataProtection;

namespace Hybrid.Durable.Tests.Dispatch;

/// <summary>The activity's identity check on its own: what it lets through, what it refuses, and that it audits each.</summary>
public sealed class IdentityDispatchMiddlewareTests
{
    private readonly InMemoryAuditLog _audit = new();
    private readonly TokenSealer _sealer = new(new EphemeralDataProtectionProvider());
    private readonly AcceptingValidator _validator = new();
    private readonly IdentityDispatchMiddleware _middleware;
    private int _handled;

    public IdentityDispatchMiddlewareTests()
    {
        var policy = new AccessPolicyEvaluator(new AccessPolicyOptions
        {
            Rules = [new AccessRule { Name = "admins", Workflows = ["*"], Actions = [WorkflowAction.Start], Groups = ["admins"] }],
        });
        _middleware = new IdentityDispatchMiddleware(new IdentityGate(_validator, policy, _audit), _sealer);
    }

    [Fact]
    public async Task SealedTokenOfTheExecution_IsCheckedThenTheTaskRuns()
    {
        await InvokeAsync(Request("alice", _sealer.Seal("token-of-alice", "w:e")));

        Assert.Equal(1, _handled);
        Assert.Equal("token-of-alice", _validator.Last);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal((AuditDecision.Allow, "alice", "S", "arn:r", "w:e/S/2"), (entry.Decision, entry.Subject, entry.State, entry.Resource, entry.CorrelationId));
    }

    [Fact]
    public async Task TokenSealedForAnotherExecution_IsRefusedAsInvalidBeforeTheTask()
    {
        var error = await Assert.ThrowsAsync<AslException>(() => InvokeAsync(Request("alice", _sealer.Seal("token-of-alice", "w:other"))));

        Assert.Equal(IdentityErrors.TokenInvalid, error.Error);
        Assert.Contains("cannot be unsealed", error.Cause, StringComparison.Ordinal);
        Assert.Equal(0, _handled);
        Assert.Null(_validator.Last);
        Assert.Equal(AuditDecision.Deny, Assert.Single(_audit.Entries).Decision);
    }

    [Fact]
    public async Task SubjectWithoutToken_IsRefused()
    {
        var error = await Assert.ThrowsAsync<AslException>(() => InvokeAsync(Request("alice", null)));

        Assert.Equal(IdentityErrors.TokenInvalid, error.Error);
        Assert.Equal("the execution runs for 'alice' but holds no token", error.Cause);
        Assert.Equal(0, _handled);
    }

    [Fact]
    public async Task ExecutionStartedByTheHost_RunsAndIsAuditedAsSuch()
    {
        await InvokeAsync(Request(null, null));

        Assert.Equal(1, _handled);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(AuditDecision.Allow, entry.Decision);
        Assert.Equal("the execution was started by the host itself (a schedule), with no caller token to check", entry.Reason);
    }

    [Fact]
    public async Task StoppingALongRunningTask_IsNeverRefused()
    {
        _validator.Refuse = true;

        await InvokeAsync(Request("alice", _sealer.Seal("expired", "w:e")) with { Phase = new TaskPhase(TaskPhase.Stopping, "{}", 1, "States.Timeout", "late") });

        Assert.Equal(1, _handled);
        Assert.Null(_validator.Last);
        Assert.Equal(AuditDecision.Allow, Assert.Single(_audit.Entries).Decision);
    }

    [Fact]
    public async Task ExpiredToken_FailsTheTaskWithTokenExpired()
    {
        _validator.Refuse = true;

        var error = await Assert.ThrowsAsync<AslException>(() => InvokeAsync(Request("alice", _sealer.Seal("expired", "w:e"))));

        Assert.Equal(IdentityErrors.TokenExpired, error.Error);
        Assert.Equal(0, _handled);
        Assert.Equal(IdentityErrors.TokenExpired, Assert.Single(_audit.Entries).Error);
    }

    private static DispatchRequest Request(string? subject, string? sealedToken) =>
        new("w:e", "w", "S", "arn:r", "{}", 2, null, null, "{}", subject, sealedToken, null);

    private async Task InvokeAsync(DispatchRequest request)
    {
        var context = new DispatchContext(request, new TaskInvocation("S", "arn:r", new JsonObject(), 2, null, null, null, new JsonObject()));
        await _middleware.InvokeAsync(context, () =>
        {
            _handled++;
            return ValueTask.FromResult<JsonNode?>(null);
        }, CancellationToken.None);
    }

    /// <summary>Accepts any token as alice's (group admins), or refuses it as expired.</summary>
    private sealed class AcceptingValidator : ITokenValidator
    {
        public bool Refuse { get; set; }

        public string? Last { get; private set; }

        public ValueTask<TokenValidationOutcome> ValidateAsync(string? token, CancellationToken cancellationToken = default)
        {
            Last = token;
            return ValueTask.FromResult(Refuse
                ? TokenValidationOutcome.Fail(TokenFailureCategory.Expired, "the token expired at 2026-01-01T00:00:00Z")
                : TokenValidationOutcome.Success(new ValidatedPrincipal { Subject = "alice", Issuer = "https://issuer", Groups = ["admins"], ExpiresAt = DateTimeOffset.MaxValue, Kind = TokenKind.Jwt }));
        }
    }
}
