using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Hybrid.Durable.Executions;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Api;

/// <summary>The serializer settings of every body the API writes: camelCase, dates in ISO 8601, JSON payloads as JSON.</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>
/// A JSON answer written with <see cref="ApiJson.Options"/>, whatever JSON settings the host has: the local host and the
/// Functions app then write the same bytes.
/// </summary>
internal sealed class JsonBodyResult(int status, object body, string contentType = "application/json; charset=utf-8", string? location = null) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public object Body => body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), ApiJson.Options, httpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>A fixed body (the page and its assets).</summary>
internal sealed class BytesResult(ReadOnlyMemory<byte> bytes, string contentType) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";

        // The page loads nothing from anywhere but this server.
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The answer to a request that the client gave up on: nothing is written.</summary>
internal sealed class AbortedResult : IResult
{
    public static AbortedResult Instance { get; } = new();

    public Task ExecuteAsync(HttpContext httpContext) => Task.CompletedTask;
}

/// <summary>
/// An RFC 7807 problem (<c>application/problem+json</c>) with <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>,
/// <c>instance</c> and the Step Functions error <c>code</c>, plus any extension members.
/// </summary>
internal sealed class ProblemResult(int status, string code, string detail) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public string Code => code;

    public string Detail => detail;

    /// <summary>Extra members, such as where a JSON body broke.</summary>
    public JsonObject Extensions { get; } = [];

    /// <summary>Headers to add, such as WWW-Authenticate or Allow.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static (string Type, string Title) Describe(int status) => status switch
    {
        400 => ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"),
        401 => ("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"),
        403 => ("https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden"),
        404 => ("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"),
        409 => ("https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict"),
        413 => ("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Content Too Large"),
        415 => ("https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported Media Type"),
        503 => ("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service Unavailable"),
        _ when status >= 500 => ("https://tools.ietf.org/html/rfc9110#section-15.6.1", "Internal Server Error"),
        _ => ("about:blank", "Error"),
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var (type, title) = Describe(status);
        var body = new JsonObject
        {
            ["type"] = type,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = httpContext.Request.PathBase.Add(httpContext.Request.Path).ToUriComponent(),
            ["code"] = code,
        };
        foreach (var (name, value) in Extensions)
        {
            body[name] = value?.DeepClone();
        }

        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/problem+json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        await JsonSerializer.SerializeAsync(response.Body, body, ApiJson.Options, httpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The problems the API answers with, in one place, with Step Functions' error codes.</summary>
internal static class Problems
{
    public const string InvalidName = "InvalidName";
    public const string InvalidExecutionInput = "InvalidExecutionInput";
    public const string InvalidOutput = "InvalidOutput";
    public const string InvalidToken = "InvalidToken";
    public const string Validation = "ValidationException";
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    public const string WorkflowDoesNotExist = "StateMachineDoesNotExist";
    public const string ExecutionDoesNotExist = "ExecutionDoesNotExist";
    public const string Internal = "InternalError";

    public static ProblemResult BadRequest(string code, string detail) => new(StatusCodes.Status400BadRequest, code, detail);

    public static ProblemResult NotFound(string code, string detail) => new(StatusCodes.Status404NotFound, code, detail);

    public static ProblemResult WorkflowNotFound(string name) => NotFound(WorkflowDoesNotExist, new WorkflowNotFoundException(name).Message);

    public static ProblemResult ExecutionNotFound(string executionId) => NotFound(ExecutionDoesNotExist, new ExecutionNotFoundException(executionId).Message);

    public static ProblemResult Unexpected() =>
        new(StatusCodes.Status500InternalServerError, Internal, "The server failed to handle the request; the error has been logged.");

    /// <summary>Maps the execution service's typed failures to statuses.</summary>
    public static ProblemResult From(ExecutionOperationException exception) => exception switch
    {
        WorkflowNotFoundException or ExecutionNotFoundException => NotFound(exception.Code, exception.Message),
        ExecutionAlreadyExistsException or TokenNotAcceptedException => new ProblemResult(StatusCodes.Status409Conflict, exception.Code, exception.Message),

        // A token that is not a token is bad input; one that names no waiting task is not found.
        TaskTokenException when exception.Code is InvalidToken => BadRequest(exception.Code, exception.Message),
        TaskTokenException => NotFound(exception.Code, exception.Message),
        _ => BadRequest(exception.Code, exception.Message),
    };

    public static ProblemResult From(HybridApiAuthorization denial)
    {
        var problem = new ProblemResult(denial.Status, denial.Code ?? "AccessDenied", denial.Detail ?? "The request is not allowed.");
        if (denial.Status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden && denial.Challenge is { Length: > 0 } challenge)
        {
            problem.Headers["WWW-Authenticate"] = challenge;
        }

        if (denial.Status == StatusCodes.Status503ServiceUnavailable)
        {
            problem.Headers["Retry-After"] = "5";
        }

        return problem;
    }
}
