using Hybrid.Durable.Executions;
using Hybrid.Identity;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Tokens;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Api;

/// <summary>
/// The HTTP API's authorizer over the identity layer, the same for every host: each request's bearer token goes
/// through the <see cref="IdentityGate"/> (token check, access policy, audit entry) for the route's action on its
/// workflow. 401 with <c>WWW-Authenticate</c> for a token problem, 403 when the policy refuses, 503 when the provider or
/// the audit log cannot be reached. Every answer carries the decision's correlation id in <c>X-Correlation-Id</c>.
/// </summary>
/// <remarks>
/// Routes and actions: reading workflows and executions (status, history, audit) is <see cref="WorkflowAction.Read"/>;
/// a start <see cref="WorkflowAction.Start"/>; a stop <see cref="WorkflowAction.Stop"/>; the task-token callbacks
/// <see cref="WorkflowAction.Callback"/> on the workflow the task token belongs to; a fresh token
/// <see cref="WorkflowAction.Start"/>, from the subject the execution runs for only. Listings across workflows are
/// allowed when some workflow may be read, and show only those. The graph page and its assets hold no data and are
/// served to anyone; every call the page makes is checked.
/// </remarks>
public sealed class IdentityApiAuthorizer(IdentityGate gate, AccessPolicyEvaluator policy, ReauthenticationOptions reauthentication) : IHybridApiAuthorizer
{
    /// <summary>The header that carries a request's correlation id (taken from the request when it is well formed).</summary>
    public const string CorrelationHeader = "X-Correlation-Id";

    private const int MaxCorrelationLength = 64;

    public async ValueTask<HybridApiAuthorization> AuthorizeAsync(HybridApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Route == HybridApiRoute.Page)
        {
            return HybridApiAuthorization.Allow();
        }

        var http = request.HttpContext;
        var correlation = CorrelationId(http);
        http.Response.Headers[CorrelationHeader] = correlation;
        var headers = http.Request.Headers.Authorization;
        if (headers.Count > 1)
        {
            return HybridApiAuthorization.Unauthenticated(
                "The request has more than one Authorization header.", "Bearer error=\"invalid_request\"", IdentityErrors.TokenInvalid);
        }

        var token = BearerToken.FromAuthorizationHeader(headers.Count == 1 ? headers[0] : null);
        var action = Action(request.Route);
        var workflow = request.Workflow
            ?? (request.ExecutionId is { } id && ExecutionIds.TrySplit(id, out var owner, out _) ? owner : AccessRequest.AnyWorkflow);
        var outcome = await gate.AuthorizeAsync(
            token,
            new AccessRequest
            {
                Action = action,
                Workflow = workflow,
                ExecutionId = request.ExecutionId,
                CorrelationId = correlation,
                RequiredSubject = request.Route == HybridApiRoute.SubmitToken ? request.ExecutionSubject ?? "" : null,
            },
            http.RequestAborted).ConfigureAwait(false);

        if (!outcome.IsAllowed)
        {
            var error = outcome.AslError ?? IdentityErrors.AccessDenied;
            return outcome.StatusCode switch
            {
                StatusCodes.Status401Unauthorized => HybridApiAuthorization.Unauthenticated(Sentence(outcome.Reason), outcome.WwwAuthenticate ?? "Bearer", error),
                StatusCodes.Status403Forbidden => HybridApiAuthorization.Forbidden(Sentence(outcome.Reason), error, outcome.WwwAuthenticate),
                _ => HybridApiAuthorization.Unavailable(Sentence(outcome.Reason), error),
            };
        }

        var principal = outcome.Principal!;
        Func<string, bool>? mayRead = workflow == AccessRequest.AnyWorkflow && action == WorkflowAction.Read
            ? name => policy.Evaluate(principal, WorkflowAction.Read, name).IsAllowed
            : null;
        var caller = new Caller(principal.Subject, principal.ClientId, principal.Issuer, principal.Groups, principal.Scopes)
        {
            Token = request.Route is HybridApiRoute.StartExecution or HybridApiRoute.SubmitToken ? token : null,
            // Only a start stores the wait with its execution; every later request reads it from there.
            ReauthenticationWait = request.Route == HybridApiRoute.StartExecution ? reauthentication.WaitFor(workflow) : null,
        };
        return HybridApiAuthorization.Allow(caller, mayRead);
    }

    private static WorkflowAction Action(HybridApiRoute route) => route switch
    {
        HybridApiRoute.StartExecution or HybridApiRoute.SubmitToken => WorkflowAction.Start,
        HybridApiRoute.StopExecution => WorkflowAction.Stop,
        HybridApiRoute.SendTaskSuccess or HybridApiRoute.SendTaskFailure or HybridApiRoute.SendTaskHeartbeat => WorkflowAction.Callback,
        _ => WorkflowAction.Read,
    };

    /// <summary>The client's <c>X-Correlation-Id</c> when it is 1-64 characters of letters, digits and <c>-._:</c>; else the request's trace id.</summary>
    private static string CorrelationId(HttpContext http)
    {
        var given = http.Request.Headers[CorrelationHeader];
        if (given.Count == 1 && given[0] is { Length: > 0 and <= MaxCorrelationLength } value
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':'))
        {
            return value;
        }

        return http.TraceIdentifier;
    }

    private static string Sentence(string reason) =>
        reason.Length == 0 ? reason : char.ToUpperInvariant(reason[0]) + reason[1..] + (reason.EndsWith('.') ? "" : ".");
}
