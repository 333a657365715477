using Hybrid.Identity.Tokens;

namespace Hybrid.Identity.Audit;

/// <summary>The outcome an audit entry records.</summary>
public enum AuditDecision
{
    Allow,
    Deny,
}

/// <summary>
/// One access check, pass or fail: who (subject, client, issuer, groups), what (action, workflow, execution, state,
/// resource), the decision with its reason and policy rule, a correlation id and the time. Never holds a token.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>Unique per entry; with <see cref="Time"/> it orders entries of one execution.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>Null when no valid token was presented.</summary>
    public string? Subject { get; init; }

    public string? ClientId { get; init; }

    public string? Issuer { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary><c>Start</c>, <c>Read</c>, <c>Stop</c>, or a host-defined action such as <c>RunTask</c>.</summary>
    public required string Action { get; init; }

    public string? Workflow { get; init; }

    public string? ExecutionId { get; init; }

    /// <summary>The ASL state, when an activity re-checks the token inside a running execution.</summary>
    public string? State { get; init; }

    /// <summary>The task's resource (for example an ARN), when relevant.</summary>
    public string? Resource { get; init; }

    public required AuditDecision Decision { get; init; }

    public required string Reason { get; init; }

    /// <summary>The policy rule that decided; null for token failures and default denials.</summary>
    public string? PolicyRule { get; init; }

    /// <summary>The ASL error raised for a denial (<c>Hybrid.TokenExpired</c>, <c>Hybrid.AccessDenied</c>, ...).</summary>
    public string? Error { get; init; }

    public TokenKind? TokenKind { get; init; }

    public string? CorrelationId { get; init; }
}
