using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Hybrid.Identity.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Hybrid.Api;

/// <summary>
/// The HTTP API's handlers, one per route. Each takes the <see cref="HttpContext"/> (and the route's values) and returns an
/// <see cref="IResult"/>, so the local host maps them with <see cref="HybridApiEndpoints.MapHybridApi"/> and the Functions
/// app calls them from its HTTP triggers: the contract is written once. Every handler asks the
/// <see cref="IHybridApiAuthorizer"/> first, validates everything before it calls the execution service, and answers
/// failures as RFC 7807 problems; none lets an exception escape.
/// </summary>
public sealed class HybridApiHandlers
{
    /// <summary>The path segment under which the API's routes sit.</summary>
    public const string ApiPrefix = "/api";

    /// <summary>The header that may carry the execution name (the <c>name</c> query parameter is the other way).</summary>
    public const string ExecutionNameHeader = "X-Hybrid-Execution-Name";

    private const int MaxPageSize = 1000;
    private const int MaxErrorLength = 256;
    private const int MaxCauseLength = 32_768;
    private const int MaxTaskTokenLength = 2048;

    private static readonly string[] Statuses =
    [
        ExecutionStatus.Running, ExecutionStatus.Succeeded, ExecutionStatus.Failed, ExecutionStatus.TimedOut, ExecutionStatus.Aborted, ExecutionStatus.Pending,
    ];

    private readonly IExecutionService _executions;
    private readonly IWorkflowRegistry _workflows;
    private readonly IHybridApiAuthorizer _authorizer;
    private readonly IAuditLog _audit;
    private readonly ILogger<HybridApiHandlers> _logger;

    public HybridApiHandlers(IExecutionService executions, IWorkflowRegistry workflows, IHybridApiAuthorizer authorizer, IAuditLog audit, ILogger<HybridApiHandlers> logger)
    {
        ArgumentNullException.ThrowIfNull(executions);
        ArgumentNullException.ThrowIfNull(workflows);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(logger);
        _executions = executions;
        _workflows = workflows;
        _authorizer = authorizer;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>GET /: the workflow graph page.</summary>
    public Task<IResult> GetPageAsync(HttpContext context) =>
        GuardAsync(context, async () => await AuthorizeAsync(context, HybridApiRoute.Page, null, null).ConfigureAwait(false) is { Denied: { } denied }
            ? denied
            : PageAssets.Page(context.Request.PathBase));

    /// <summary>GET /ui/{file}: the page's script and style sheet.</summary>
    public Task<IResult> GetPageAssetAsync(HttpContext context, string file) =>
        GuardAsync(context, async () => await AuthorizeAsync(context, HybridApiRoute.Page, null, null).ConfigureAwait(false) is { Denied: { } denied }
            ? denied
            : PageAssets.Asset(file) ?? Problems.NotFound("ResourceNotFound", $"The page has no asset '{file}'."));

    /// <summary>GET /api/workflows.</summary>
    public Task<IResult> ListWorkflowsAsync(HttpContext context) =>
        GuardAsync(context, async () =>
        {
            var (authorization, denied) = await AuthorizeAsync(context, HybridApiRoute.ListWorkflows, null, null).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            var urls = new ApiUrls(context.Request);
            var list = _workflows.List()
                .Where(w => authorization.MayRead?.Invoke(w.Name) ?? true)
                .OrderBy(w => w.Name, StringComparer.Ordinal)
                .Select(w => new WorkflowSummary(w.Name, w.Comment, w.Hash, urls.Workflow(w.Name), urls.Executions(w.Name)))
                .ToList();
            return new JsonBodyResult(StatusCodes.Status200OK, new WorkflowList(list));
        });

    /// <summary>GET /api/workflows/{name}: the workflow with its definition as JSON and its hash.</summary>
    public Task<IResult> DescribeWorkflowAsync(HttpContext context, string name) =>
        GuardAsync(context, async () =>
        {
            if (await AuthorizeAsync(context, HybridApiRoute.DescribeWorkflow, name, null).ConfigureAwait(false) is { Denied: { } denied })
            {
                return denied;
            }

            if (_workflows.Find(name) is not { } workflow)
            {
                return Problems.WorkflowNotFound(name);
            }

            var definition = JsonNode.Parse(workflow.Definition, documentOptions: new JsonDocumentOptions { MaxDepth = RequestReader.MaxDepth });
            var urls = new ApiUrls(context.Request);
            return new JsonBodyResult(StatusCodes.Status200OK, new WorkflowDetail(workflow.Name, workflow.Comment, workflow.Hash, workflow.Source, definition, urls.Executions(workflow.Name)));
        });

    /// <summary>
    /// POST /api/workflows/{name}/executions: starts an execution with the body as its input (an empty body is <c>{}</c>),
    /// named by <c>?name=</c> or the <c>X-Hybrid-Execution-Name</c> header. 202 when it created the execution, 200 when a
    /// same-name, same-input start repeated one; both with a Location header to the status.
    /// </summary>
    public Task<IResult> StartExecutionAsync(HttpContext context, string name) =>
        GuardAsync(context, async () =>
        {
            // The execution's id is known before the authorizer is asked, so that the start is audited under it: the
            // name given, or one made here (used only when the start runs for a verified caller, whose audit needs it).
            var request = context.Request;
            var badName = ReadExecutionName(request, out var executionName);
            var generated = ExecutionIds.NewName();
            var executionId = badName is null && FolderWorkflowRegistry.IsValidName(name) ? ExecutionIds.Create(name, executionName ?? generated) : null;
            var (authorization, denied) = await AuthorizeAsync(context, HybridApiRoute.StartExecution, name, executionId).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            if (_workflows.Find(name) is null)
            {
                return Problems.WorkflowNotFound(name);
            }

            if (badName is not null)
            {
                return badName;
            }

            if (authorization.Caller is not null)
            {
                executionName ??= generated;
            }

            var body = await RequestReader.ReadJsonAsync(request, "execution input", Problems.InvalidExecutionInput, context.RequestAborted).ConfigureAwait(false);
            if (body.Problem is { } problem)
            {
                return problem;
            }

            var input = body.IsEmpty ? new JsonObject() : body.Value;

            // Once the body is valid the start runs to its end even if the client goes away: it is idempotent by name,
            // and a half-made start is worse than an answer nobody reads.
            var started = await _executions.StartAsync(name, input, executionName, authorization.Caller, CancellationToken.None).ConfigureAwait(false);
            var urls = new ApiUrls(request);
            var status = urls.Execution(started.ExecutionId);
            var response = new StartExecutionResponse(started.ExecutionId, started.Name, started.StartDate, status, urls.History(started.ExecutionId), urls.Stop(started.ExecutionId));
            return new JsonBodyResult(started.Created ? StatusCodes.Status202Accepted : StatusCodes.Status200OK, response, location: status);
        });

    /// <summary>GET /api/executions?workflow=&amp;status=&amp;pageSize=&amp;continuationToken=.</summary>
    public Task<IResult> ListExecutionsAsync(HttpContext context) =>
        GuardAsync(context, async () =>
        {
            var query = context.Request.Query;
            if (Single(query, "workflow", out var workflow) is { } badWorkflow)
            {
                return badWorkflow;
            }

            var (authorization, denied) = await AuthorizeAsync(context, HybridApiRoute.ListExecutions, workflow, null).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            if (Single(query, "status", out var status) is { } badStatus)
            {
                return badStatus;
            }

            if (Single(query, "pageSize", out var pageSizeText) is { } badPageSize)
            {
                return badPageSize;
            }

            if (Single(query, "continuationToken", out var token) is { } badToken)
            {
                return badToken;
            }

            if (status is not null)
            {
                var known = Array.Find(Statuses, s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                {
                    return Problems.BadRequest(Problems.Validation, $"The status filter '{status}' is not one of {string.Join(", ", Statuses)}.");
                }

                status = known;
            }

            var pageSize = 100;
            if (pageSizeText is not null
                && (!int.TryParse(pageSizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
            {
                return Problems.BadRequest(Problems.Validation, $"The pageSize '{pageSizeText}' is not a whole number from 1 to {MaxPageSize}.");
            }

            if (token is { Length: 0 })
            {
                return Problems.BadRequest(Problems.InvalidToken, "The continuationToken must not be empty.");
            }

            if (workflow is not null && _workflows.Find(workflow) is null)
            {
                return Problems.WorkflowNotFound(workflow);
            }

            var page = await _executions.ListAsync(new ExecutionFilter(workflow, status, pageSize, token), context.RequestAborted).ConfigureAwait(false);
            var urls = new ApiUrls(context.Request);
            var items = page.Executions
                .Where(e => authorization.MayRead?.Invoke(e.Workflow) ?? true)
                .Select(e => new ExecutionSummary(e.ExecutionId, e.Name, e.Workflow, e.Status, e.StartDate, e.StopDate, urls.Execution(e.ExecutionId)))
                .ToList();
            return new JsonBodyResult(StatusCodes.Status200OK, new ExecutionList(items, page.ContinuationToken));
        });

    /// <summary>GET /api/executions/{id}: the description (status, input and output as JSON, error, cause, current state, dates).</summary>
    public Task<IResult> DescribeExecutionAsync(HttpContext context, string id) =>
        GuardAsync(context, async () =>
        {
            var (description, _, denied) = await FindExecutionAsync(context, HybridApiRoute.DescribeExecution, id).ConfigureAwait(false);
            return denied ?? new JsonBodyResult(StatusCodes.Status200OK, description!);
        });

    /// <summary>GET /api/executions/{id}/history: the events as GetExecutionHistory shapes them.</summary>
    public Task<IResult> GetExecutionHistoryAsync(HttpContext context, string id) =>
        GuardAsync(context, async () =>
        {
            var (_, _, denied) = await FindExecutionAsync(context, HybridApiRoute.GetExecutionHistory, id).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            if (await _executions.GetHistoryAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } history)
            {
                return Problems.ExecutionNotFound(id);
            }

            var events = new JsonArray();
            foreach (var e in history)
            {
                events.Add(ToJson(e));
            }

            return new JsonBodyResult(StatusCodes.Status200OK, new HistoryResponse(id, events));
        });

    /// <summary>POST /api/executions/{id}/stop with an optional body <c>{ "error", "cause" }</c>: 200 with the description.</summary>
    public Task<IResult> StopExecutionAsync(HttpContext context, string id) =>
        GuardAsync(context, async () =>
        {
            var (_, _, denied) = await FindExecutionAsync(context, HybridApiRoute.StopExecution, id).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            var body = await RequestReader.ReadJsonAsync(context.Request, "stop request", Problems.Validation, context.RequestAborted).ConfigureAwait(false);
            if (body.Problem is { } problem)
            {
                return problem;
            }

            string? error = null, cause = null;
            if (body.Value is not null)
            {
                if (Fields(body.Value, "stop request", ["error", "cause"]) is { } badShape)
                {
                    return badShape;
                }

                if (OptionalString(body.Value, "error", MaxErrorLength, out error) is { } badError)
                {
                    return badError;
                }

                if (OptionalString(body.Value, "cause", MaxCauseLength, out cause) is { } badCause)
                {
                    return badCause;
                }
            }

            await _executions.StopAsync(id, error, cause, CancellationToken.None).ConfigureAwait(false);
            return await _executions.DescribeAsync(id, context.RequestAborted).ConfigureAwait(false) is { } stopped
                ? new JsonBodyResult(StatusCodes.Status200OK, stopped)
                : Problems.ExecutionNotFound(id);
        });

    /// <summary>POST /api/tasks/success <c>{ "taskToken", "output" }</c>.</summary>
    public Task<IResult> SendTaskSuccessAsync(HttpContext context) =>
        TaskCallbackAsync(context, HybridApiRoute.SendTaskSuccess, ["taskToken", "output"], async (body, token) =>
        {
            if (!body.TryGetPropertyValue("output", out var output))
            {
                return Problems.BadRequest(Problems.InvalidOutput, "The body has no 'output'; send the task's result as JSON (null is allowed).");
            }

            if (!RequestReader.FitsPayloadLimit(output))
            {
                return Problems.BadRequest(Problems.InvalidOutput, $"The output is larger than the limit of {RequestReader.MaxPayloadBytes} bytes (256 KiB) of UTF-8.");
            }

            await _executions.SendTaskSuccessAsync(token, output?.DeepClone(), CancellationToken.None).ConfigureAwait(false);
            return null;
        });

    /// <summary>POST /api/tasks/failure <c>{ "taskToken", "error", "cause" }</c>.</summary>
    public Task<IResult> SendTaskFailureAsync(HttpContext context) =>
        TaskCallbackAsync(context, HybridApiRoute.SendTaskFailure, ["taskToken", "error", "cause"], async (body, token) =>
        {
            if (OptionalString(body, "error", MaxErrorLength, out var error) is { } badError)
            {
                return badError;
            }

            if (OptionalString(body, "cause", MaxCauseLength, out var cause) is { } badCause)
            {
                return badCause;
            }

            await _executions.SendTaskFailureAsync(token, error, cause, CancellationToken.None).ConfigureAwait(false);
            return null;
        });

    /// <summary>POST /api/tasks/heartbeat <c>{ "taskToken" }</c>.</summary>
    public Task<IResult> SendTaskHeartbeatAsync(HttpContext context) =>
        TaskCallbackAsync(context, HybridApiRoute.SendTaskHeartbeat, ["taskToken"], async (_, token) =>
        {
            await _executions.SendTaskHeartbeatAsync(token, CancellationToken.None).ConfigureAwait(false);
            return null;
        });

    private async Task<IResult> TaskCallbackAsync(HttpContext context, HybridApiRoute route, string[] fields, Func<JsonObject, string, Task<IResult?>> send) =>
        await GuardAsync(context, async () =>
        {
            // The body is read first only to learn which execution the task token belongs to, so the authorizer can
            // decide per workflow; whatever is wrong with the body is answered after the authorizer has allowed it.
            var body = await RequestReader.ReadJsonAsync(context.Request, "request body", Problems.Validation, context.RequestAborted).ConfigureAwait(false);
            var tokenNode = (body.Value as JsonObject)?["taskToken"];
            string? workflow = null, executionId = null;
            if (tokenNode?.GetValueKind() is JsonValueKind.String && TaskTokens.TryParse(tokenNode.GetValue<string>(), out var instance, out _))
            {
                var root = instance.Split('~')[0];
                if (ExecutionIds.TrySplit(root, out var owner, out _))
                {
                    (workflow, executionId) = (owner, root);
                }
            }

            if (await AuthorizeAsync(context, route, workflow, executionId).ConfigureAwait(false) is { Denied: { } denied })
            {
                return denied;
            }

            if (body.Problem is { } problem)
            {
                return problem;
            }

            if (body.Value is not JsonObject json)
            {
                return Problems.BadRequest(Problems.Validation, $"The body must be a JSON object with {string.Join(", ", fields.Select(f => $"'{f}'"))}.");
            }

            if (Fields(json, "request body", fields) is { } badShape)
            {
                return badShape;
            }

            if (tokenNode?.GetValueKind() is not JsonValueKind.String)
            {
                return Problems.BadRequest(Problems.InvalidToken, "The body must have a 'taskToken' string.");
            }

            var token = tokenNode.GetValue<string>();
            if (token.Length is 0 or > MaxTaskTokenLength)
            {
                return Problems.BadRequest(Problems.InvalidToken, $"A task token has 1 to {MaxTaskTokenLength} characters; this one has {token.Length}.");
            }

            return await send(json, token).ConfigureAwait(false) ?? new JsonBodyResult(StatusCodes.Status200OK, new JsonObject());
        }).ConfigureAwait(false);

    /// <summary>
    /// POST /api/executions/{id}/token with the fresh token in <c>Authorization: Bearer</c> and no body: the execution's
    /// own subject hands it a fresh token (checked, sealed, delivered), so that an execution waiting for
    /// re-authentication goes on. 202 when delivered.
    /// </summary>
    public Task<IResult> SubmitTokenAsync(HttpContext context, string id) =>
        GuardAsync(context, async () =>
        {
            var (_, authorization, denied) = await FindExecutionAsync(context, HybridApiRoute.SubmitToken, id).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            if (authorization?.Caller is not { Token: not null } caller)
            {
                return Problems.BadRequest(Problems.InvalidToken, "This host checks no tokens (no identity is configured), so there is no token to hand in.");
            }

            var body = await RequestReader.ReadBytesAsync(context.Request.Body, 1, context.RequestAborted).ConfigureAwait(false);
            if (body is not { Length: 0 })
            {
                return Problems.BadRequest(Problems.Validation, "The fresh token goes in the Authorization header (Bearer); the body must be empty.");
            }

            await _executions.SubmitTokenAsync(id, caller, CancellationToken.None).ConfigureAwait(false);
            var status = new ApiUrls(context.Request).Execution(id);
            return new JsonBodyResult(StatusCodes.Status202Accepted, new SubmitTokenResponse(id, caller.Subject, status), location: status);
        });

    /// <summary>
    /// GET /api/executions/{id}/audit: every access decision and identity check about the execution, oldest first. A
    /// refused start leaves entries under an execution that never came to be: they are served too (404 only when there
    /// is neither an execution nor an entry).
    /// </summary>
    public Task<IResult> GetExecutionAuditAsync(HttpContext context, string id) =>
        GuardAsync(context, async () =>
        {
            var description = await _executions.DescribeAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (await AuthorizeAsync(context, HybridApiRoute.GetExecutionAudit, description?.Workflow, id).ConfigureAwait(false) is { Denied: { } denied })
            {
                return denied;
            }

            var entries = await _audit.QueryByExecutionAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (description is null && entries.Count == 0)
            {
                return Problems.ExecutionNotFound(id);
            }

            var views = entries
                .Select(e => new AuditEntryView(
                    e.Id, e.Time, e.Subject, e.ClientId, e.Issuer, e.Groups, e.Action, e.Workflow, e.ExecutionId, e.State, e.Resource,
                    e.Decision.ToString(), e.Reason, e.PolicyRule, e.Error, e.TokenKind?.ToString(), e.CorrelationId))
                .ToList();
            return new JsonBodyResult(StatusCodes.Status200OK, new AuditResponse(id, views));
        });

    /// <summary>Describes the execution, then asks the authorizer with its workflow, before a 404 can say anything.</summary>
    private async Task<(ExecutionDescription? Description, HybridApiAuthorization? Authorization, IResult? Denied)> FindExecutionAsync(HttpContext context, HybridApiRoute route, string id)
    {
        var description = await _executions.DescribeAsync(id, context.RequestAborted).ConfigureAwait(false);
        var (authorization, denied) = await AuthorizeAsync(context, route, description?.Workflow, id, description?.Subject).ConfigureAwait(false);
        if (denied is not null)
        {
            return (null, null, denied);
        }

        return description is null ? (null, null, Problems.ExecutionNotFound(id)) : (description, authorization, null);
    }

    /// <summary>
    /// Asks the authorizer about a request: its answer, and the problem to send when it does not allow the request
    /// (logged). No answer, or a refusal with a status other than 401, 403 or 503, is a 403.
    /// </summary>
    private async Task<(HybridApiAuthorization Authorization, IResult? Denied)> AuthorizeAsync(
        HttpContext context, HybridApiRoute route, string? workflow, string? executionId, string? executionSubject = null)
    {
        HybridApiAuthorization? authorization = await _authorizer.AuthorizeAsync(new HybridApiRequest(route, workflow, executionId, context, executionSubject)).ConfigureAwait(false);
        if (authorization is { IsAllowed: true })
        {
            return (authorization, null);
        }

        authorization ??= HybridApiAuthorization.Forbidden("The authorizer gave no answer.");
        if (authorization.Status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status503ServiceUnavailable))
        {
            authorization = HybridApiAuthorization.Forbidden(authorization.Detail ?? "The request is not allowed.");
        }

        Logs.Denied(_logger, route, authorization.Status, authorization.Detail);
        return (authorization, Problems.From(authorization));
    }

    /// <summary>Runs a handler and turns every failure into a problem: typed ones into 4xx, anything else into a logged 500.</summary>
    private async Task<IResult> GuardAsync(HttpContext context, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (ExecutionOperationException e)
        {
            return Problems.From(e);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body (too large for the server, a broken chunk).
            return new ProblemResult(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.InvalidExecutionInput : Problems.Validation, e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return AbortedResult.Instance;
        }
#pragma warning disable CA1031 // The last line of defence: no request may take the server down or leak an exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Logs.UnexpectedFailure(_logger, e, context.Request.Method, context.Request.Path.Value ?? "");
            return Problems.Unexpected();
        }
    }

    private static ProblemResult? ReadExecutionName(HttpRequest request, out string? name)
    {
        if (Single(request.Query, "name", out name) is { } badQuery)
        {
            return badQuery;
        }

        var header = request.Headers[ExecutionNameHeader];
        if (header.Count > 1)
        {
            return Problems.BadRequest(Problems.InvalidName, $"The {ExecutionNameHeader} header is given more than once.");
        }

        if (header.Count == 1)
        {
            var fromHeader = header[0] ?? "";
            if (name is not null && name != fromHeader)
            {
                return Problems.BadRequest(Problems.InvalidName, $"The name query parameter ('{name}') and the {ExecutionNameHeader} header ('{fromHeader}') disagree.");
            }

            name = fromHeader;
        }

        return name is not null && Hybrid.Asl.Execution.ExecutionNames.Problem(name) is { } why ? Problems.BadRequest(Problems.InvalidName, why) : null;
    }

    private static ProblemResult? Single(IQueryCollection query, string key, out string? value)
    {
        value = null;
        if (!query.TryGetValue(key, out StringValues values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            return Problems.BadRequest(key == "name" ? Problems.InvalidName : Problems.Validation, $"The query parameter '{key}' is given more than once.");
        }

        value = values[0] ?? "";
        return null;
    }

    private static ProblemResult? Fields(JsonNode body, string what, string[] allowed)
    {
        if (body is not JsonObject json)
        {
            return Problems.BadRequest(Problems.Validation, $"The {what} must be a JSON object with {string.Join(", ", allowed.Select(f => $"'{f}'"))}.");
        }

        foreach (var (key, _) in json)
        {
            if (Array.IndexOf(allowed, key) < 0)
            {
                return Problems.BadRequest(Problems.Validation, $"The {what} has an unknown field '{key}'; the fields are {string.Join(", ", allowed.Select(f => $"'{f}'"))}.");
            }
        }

        return null;
    }

    private static ProblemResult? OptionalString(JsonNode body, string field, int maxLength, out string? value)
    {
        value = null;
        var node = body[field];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() is not JsonValueKind.String)
        {
            return Problems.BadRequest(Problems.Validation, $"The '{field}' field must be a string, not {node.GetValueKind().ToString().ToLowerInvariant()}.");
        }

        value = node.GetValue<string>();
        return value.Length > maxLength
            ? Problems.BadRequest(Problems.Validation, $"The '{field}' field has {value.Length} characters; at most {maxLength} are allowed.")
            : null;
    }

    private static JsonObject ToJson(HistoryEvent e)
    {
        var json = new JsonObject
        {
            ["id"] = e.Id,
            ["previousEventId"] = e.PreviousEventId,
            ["timestamp"] = e.Timestamp,
            ["type"] = e.Type,
        };
        if (e.Details is { } details)
        {
            foreach (var (key, value) in details)
            {
                json[key] = value?.DeepClone();
            }
        }

        return json;
    }

    /// <summary>Absolute URLs of the API's resources, from the request's scheme, host and path base.</summary>
    private readonly struct ApiUrls(HttpRequest request)
    {
        private readonly string _root = $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{ApiPrefix}";

        public string Workflow(string name) => $"{_root}/workflows/{Uri.EscapeDataString(name)}";

        public string Executions(string workflow) => $"{_root}/executions?workflow={Uri.EscapeDataString(workflow)}";

        public string Execution(string id) => $"{_root}/executions/{Uri.EscapeDataString(id)}";

        public string History(string id) => Execution(id) + "/history";

        public string Stop(string id) => Execution(id) + "/stop";
    }
}
