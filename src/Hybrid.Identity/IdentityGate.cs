using Hybrid.Identity.Audit;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Identity;

/// <summary>What is being attempted, for the policy and the audit entry.</summary>
public sealed record AccessRequest
{
    /// <summary>The <see cref="Workflow"/> of a request about no one workflow (a listing): allowed when the principal may
    /// perform the action on some workflow (<see cref="AccessPolicyEvaluator.EvaluateAny"/>). Workflow names never hold '*'.</summary>
    public const string AnyWorkflow = "*";

    public required WorkflowAction Action { get; init; }

    public required string Workflow { get; init; }

    public string? ExecutionId { get; init; }

    /// <summary>The ASL state, when an activity re-checks the token inside a running execution.</summary>
    public string? State { get; init; }

    public string? Resource { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>When set, only this subject is allowed (handing a fresh token to the execution it started); empty: no one.</summary>
    public string? RequiredSubject { get; init; }

    /// <summary>The request is a step of an execution that was authorized when it started (an activity re-checking
    /// the token), not a new action. See <see cref="IdentityGateOptions.CutOffInFlightWorkOnExpiry"/>.</summary>
    public bool InFlight { get; init; }
}

/// <summary>How the front door treats in-flight work. Bound from the <c>Identity</c> section.</summary>
public sealed record IdentityGateOptions
{
    /// <summary>When true (the default), an expired token stops in-flight work too (<c>Hybrid.TokenExpired</c>).
    /// When false, an <see cref="AccessRequest.InFlight"/> step whose correctly signed token has only expired goes on
    /// if the policy still allows its principal; new actions are refused either way, and revoked tokens always stop.</summary>
    public bool CutOffInFlightWorkOnExpiry { get; init; } = true;
}

/// <summary>The answer of the front door: the status to send, the principal or the failure, and the audit entry written.</summary>
public sealed record AccessOutcome
{
    public required bool IsAllowed { get; init; }

    /// <summary>200 allowed; 401 token problem; 403 valid token, policy says no; 503 provider or audit log unavailable.</summary>
    public required int StatusCode { get; init; }

    public required string Reason { get; init; }

    public ValidatedPrincipal? Principal { get; init; }

    public TokenFailure? TokenFailure { get; init; }

    public AccessDecision? Decision { get; init; }

    public required AuditEntry Audit { get; init; }

    /// <summary>The ASL error to raise when refused inside a workflow; null when allowed.</summary>
    public string? AslError => IsAllowed ? null : TokenFailure?.AslError ?? IdentityErrors.AccessDenied;

    /// <summary>The <c>WWW-Authenticate</c> header for a 401 or 403 (RFC 6750); null otherwise.</summary>
    public string? WwwAuthenticate => StatusCode switch
    {
        401 => TokenFailure?.WwwAuthenticate,
        403 => "Bearer error=\"insufficient_scope\"",
        _ => null,
    };
}

/// <summary>
/// The front door every request and every activity goes through: check the token, apply the access policy, write the
/// audit entry (pass or fail), answer. A failed audit write refuses the request (fail closed, 503).
/// </summary>
public sealed class IdentityGate
{
    private readonly ITokenValidator _validator;
    private readonly AccessPolicyEvaluator _policy;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IdentityGateOptions _options;

    public IdentityGate(
        ITokenValidator validator,
        AccessPolicyEvaluator policy,
        IAuditLog audit,
        TimeProvider? timeProvider = null,
        ILogger<IdentityGate>? logger = null,
        IdentityGateOptions? options = null)
    {
        _validator = Check.NotNull(validator);
        _policy = Check.NotNull(policy);
        _audit = Check.NotNull(audit);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _options = options ?? new IdentityGateOptions();
    }

    /// <param name="token">The raw bearer token (see <see cref="BearerToken.FromAuthorizationHeader"/>).</param>
    /// <param name="request">What is attempted.</param>
    /// <param name="cancellationToken">Cancels the token check and the audit write.</param>
    public async ValueTask<AccessOutcome> AuthorizeAsync(string? token, AccessRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        var validation = await _validator.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        AccessOutcome outcome;
        if (!validation.IsValid
            && request.InFlight
            && !_options.CutOffInFlightWorkOnExpiry
            && validation.Failure is { Category: TokenFailureCategory.Expired, ExpiredPrincipal: { } expired } expiry)
        {
            var decision = Evaluate(expired, request);
            var reason = decision.IsAllowed
                ? $"{decision.Reason}; {expiry.Reason}, but in-flight work goes on (CutOffInFlightWorkOnExpiry is off)"
                : decision.Reason;
            outcome = new AccessOutcome
            {
                IsAllowed = decision.IsAllowed,
                StatusCode = decision.IsAllowed ? 200 : 403,
                Reason = reason,
                Principal = expired,
                Decision = decision,
                Audit = Entry(
                    request,
                    expired,
                    decision.IsAllowed ? AuditDecision.Allow : AuditDecision.Deny,
                    reason,
                    decision.Rule,
                    decision.IsAllowed ? null : IdentityErrors.AccessDenied),
            };
        }
        else if (!validation.IsValid)
        {
            var failure = validation.Failure;
            outcome = new AccessOutcome
            {
                IsAllowed = false,
                StatusCode = failure.HttpStatusCode,
                Reason = failure.Reason,
                TokenFailure = failure,
                Audit = Entry(request, null, AuditDecision.Deny, failure.Reason, null, failure.AslError),
            };
        }
        else
        {
            var principal = validation.Principal;
            var decision = Evaluate(principal, request);
            outcome = new AccessOutcome
            {
                IsAllowed = decision.IsAllowed,
                StatusCode = decision.IsAllowed ? 200 : 403,
                Reason = decision.Reason,
                Principal = principal,
                Decision = decision,
                Audit = Entry(
                    request,
                    principal,
                    decision.IsAllowed ? AuditDecision.Allow : AuditDecision.Deny,
                    decision.Reason,
                    decision.Rule,
                    decision.IsAllowed ? null : IdentityErrors.AccessDenied),
            };
        }

        return await FinishAsync(outcome, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a decision a host makes without a token check, with the same fail-closed audit write: an execution the
    /// host started itself (a schedule) has no token to check; a sealed token that cannot be unsealed is refused.
    /// </summary>
    /// <param name="request">What is attempted.</param>
    /// <param name="failure">Null to allow; otherwise why the request is refused.</param>
    /// <param name="allowedReason">Why a request without a failure is allowed (a refusal's reason is the failure's).</param>
    /// <param name="cancellationToken">Cancels the audit write.</param>
    public async ValueTask<AccessOutcome> RecordAsync(AccessRequest request, TokenFailure? failure, string? allowedReason = null, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        var outcome = failure is null
            ? new AccessOutcome { IsAllowed = true, StatusCode = 200, Reason = Check.NotBlank(allowedReason), Audit = Entry(request, null, AuditDecision.Allow, allowedReason, null, null) }
            : new AccessOutcome
            {
                IsAllowed = false,
                StatusCode = failure.HttpStatusCode,
                Reason = failure.Reason,
                TokenFailure = failure,
                Audit = Entry(request, null, AuditDecision.Deny, failure.Reason, null, failure.AslError),
            };
        return await FinishAsync(outcome, request, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<AccessOutcome> FinishAsync(AccessOutcome outcome, AccessRequest request, CancellationToken cancellationToken)
    {
        Logs.AccessDecided(
            _logger,
            outcome.IsAllowed ? "allowed" : "denied",
            outcome.Principal?.Subject ?? "(no valid token)",
            request.Action.ToString(),
            request.Workflow,
            outcome.Reason);

        try
        {
            await _audit.AppendAsync(outcome.Audit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Logs.AuditWriteFailed(_logger, outcome.Audit.Id, e.GetType().Name);
            return outcome with
            {
                IsAllowed = false,
                StatusCode = 503,
                Reason = "the audit log could not be written, so the request is refused",
                TokenFailure = new TokenFailure(TokenFailureCategory.Unavailable, "the audit log could not be written"),
            };
        }

        return outcome;
    }

    private AccessDecision Evaluate(ValidatedPrincipal principal, AccessRequest request)
    {
        if (request.RequiredSubject is { } required && !string.Equals(required, principal.Subject, StringComparison.Ordinal))
        {
            return new AccessDecision(
                false,
                required.Length == 0
                    ? $"the execution runs for no caller, so '{principal.Subject}' cannot hand it a token"
                    : $"only '{required}', for whom the execution runs, may hand it a token, not '{principal.Subject}'",
                null);
        }

        return request.Workflow == AccessRequest.AnyWorkflow
            ? _policy.EvaluateAny(principal, request.Action)
            : _policy.Evaluate(principal, request.Action, request.Workflow);
    }

    private AuditEntry Entry(AccessRequest request, ValidatedPrincipal? principal, AuditDecision decision, string reason, string? rule, string? error) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Time = _time.GetUtcNow(),
        Subject = principal?.Subject,
        ClientId = principal?.ClientId,
        Issuer = principal?.Issuer,
        Groups = principal?.Groups ?? [],
        Action = request.Action.ToString(),
        Workflow = request.Workflow,
        ExecutionId = request.ExecutionId,
        State = request.State,
        Resource = request.Resource,
        Decision = decision,
        Reason = reason,
        PolicyRule = rule,
        Error = error,
        TokenKind = principal?.Kind,
        CorrelationId = request.CorrelationId,
    };
}
