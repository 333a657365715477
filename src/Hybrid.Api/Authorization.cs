using Hybrid.Durable.Executions;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Api;

/// <summary>
/// The one identity hook of the HTTP API: every route asks it before doing anything else. It sees the route, the
/// workflow and the execution the request is about, and the whole <see cref="HttpContext"/> (headers, connection), and
/// either allows the request, supplying the <see cref="Caller"/> that a start runs on behalf of, or denies it with 401
/// or 403. The default, <see cref="AllowAllAuthorizer"/>, allows everything with no caller.
/// </summary>
public interface IHybridApiAuthorizer
{
    ValueTask<HybridApiAuthorization> AuthorizeAsync(HybridApiRequest request);
}

/// <summary>What the authorizer is asked about.</summary>
/// <param name="Route">The route.</param>
/// <param name="Workflow">
/// The workflow concerned: from the route for workflow routes, the execution's workflow for execution routes (null when
/// the execution does not exist: the authorizer answers before a 404 can tell a caller that it does not), the filter for
/// a listing, and null for the task-token callbacks and the page.
/// </param>
/// <param name="ExecutionId">The execution concerned, for execution routes.</param>
/// <param name="HttpContext">The request.</param>
/// <param name="ExecutionSubject">For <see cref="HybridApiRoute.SubmitToken"/>: the subject the execution runs for.</param>
public sealed record HybridApiRequest(HybridApiRoute Route, string? Workflow, string? ExecutionId, HttpContext HttpContext, string? ExecutionSubject = null);

/// <summary>An authorizer's answer: allowed (with the caller, if known), or denied with a status of 401, 403 or 503.</summary>
public sealed record HybridApiAuthorization
{
    private static readonly HybridApiAuthorization Anonymous = new(StatusCodes.Status200OK, null, null, null, null);

    private HybridApiAuthorization(int status, Caller? caller, string? code, string? detail, string? challenge, Func<string, bool>? mayRead = null)
    {
        Status = status;
        Caller = caller;
        Code = code;
        Detail = detail;
        Challenge = challenge;
        MayRead = mayRead;
    }

    /// <summary>200 when allowed, else 401, 403 or 503.</summary>
    public int Status { get; }

    public bool IsAllowed => Status == StatusCodes.Status200OK;

    /// <summary>Who the request runs for; passed to <see cref="IExecutionService.StartAsync"/>.</summary>
    public Caller? Caller { get; }

    /// <summary>The problem's <c>code</c> when denied.</summary>
    public string? Code { get; }

    /// <summary>The problem's <c>detail</c> when denied.</summary>
    public string? Detail { get; }

    /// <summary>The <c>WWW-Authenticate</c> header of a 401 or 403 (for example <c>Bearer error="invalid_token"</c>).</summary>
    public string? Challenge { get; }

    /// <summary>For a listing allowed across workflows: which workflows the caller may read (the listing shows only
    /// those). Null: every workflow.</summary>
    public Func<string, bool>? MayRead { get; }

    public static HybridApiAuthorization Allow(Caller? caller = null, Func<string, bool>? mayRead = null) =>
        caller is null && mayRead is null ? Anonymous : new(StatusCodes.Status200OK, caller, null, null, null, mayRead);

    /// <summary>401: no credentials, or credentials that could not be verified.</summary>
    public static HybridApiAuthorization Unauthenticated(string detail, string? challenge = "Bearer", string code = "UnrecognizedClient") =>
        new(StatusCodes.Status401Unauthorized, null, code, detail, challenge);

    /// <summary>403: a verified caller that the policy does not allow here.</summary>
    public static HybridApiAuthorization Forbidden(string detail, string code = "AccessDenied", string? challenge = null) =>
        new(StatusCodes.Status403Forbidden, null, code, detail, challenge);

    /// <summary>503: the identity provider or the audit log could not be reached; the client may retry.</summary>
    public static HybridApiAuthorization Unavailable(string detail, string code = "ServiceUnavailable") =>
        new(StatusCodes.Status503ServiceUnavailable, null, code, detail, null);
}

/// <summary>The default authorizer: everything is allowed and no caller is known.</summary>
public sealed class AllowAllAuthorizer : IHybridApiAuthorizer
{
    public ValueTask<HybridApiAuthorization> AuthorizeAsync(HybridApiRequest request) => ValueTask.FromResult(HybridApiAuthorization.Allow());
}
