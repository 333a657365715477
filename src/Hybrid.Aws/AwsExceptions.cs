using System.Net;

namespace Hybrid.Aws;

/// <summary>What an AWS service answered when it refused a request.</summary>
/// <param name="Service">The service (<c>states</c>, <c>iam</c>, <c>sts</c>).</param>
/// <param name="Operation">The operation, such as <c>StartExecution</c>.</param>
/// <param name="ErrorCode">AWS's error code, such as <c>ExecutionAlreadyExists</c>.</param>
/// <param name="Message">AWS's message, if it sent one.</param>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="RequestId">AWS's request id, for support cases and CloudTrail.</param>
public sealed record AwsErrorDetails(
    string Service, string Operation, string ErrorCode, string? Message, HttpStatusCode StatusCode, string? RequestId);

/// <summary>The root of every exception Hybrid's AWS clients throw.</summary>
public abstract class AwsException : Exception
{
    protected AwsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>An error AWS answered. Subclasses name the modelled errors; this type itself carries any other code.</summary>
public class AwsServiceException : AwsException
{
    public AwsServiceException(AwsErrorDetails details, Exception? innerException = null)
        : base(Format(Check.NotNull(details)), innerException)
    {
        Details = details;
    }

    public AwsErrorDetails Details { get; }

    public string ErrorCode => Details.ErrorCode;

    public HttpStatusCode StatusCode => Details.StatusCode;

    /// <summary>True for throttling and server-side failures, which the clients retry with backoff.</summary>
    public bool IsRetryable => AwsErrorCodes.IsRetryable(Details.ErrorCode, Details.StatusCode);

    private static string Format(AwsErrorDetails d)
        => $"AWS {d.Service} {d.Operation} failed: {d.ErrorCode} (HTTP {(int)d.StatusCode}){(string.IsNullOrEmpty(d.Message) ? "" : ": " + d.Message)}";
}

/// <summary>AWS throttled the request, and it was still throttled when the attempts ran out.</summary>
public sealed class AwsThrottlingException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>AWS failed on its side (HTTP 5xx), and still did when the attempts ran out.</summary>
public sealed class AwsServiceUnavailableException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>AWS refused the signature or the credentials (bad secret, unknown key id, expired or missing token).</summary>
public sealed class AwsAuthenticationException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>The credentials are valid but not allowed to do this.</summary>
public sealed class AwsAccessDeniedException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>No credentials could be found or refreshed (nothing configured and the default chain found nothing usable).</summary>
public sealed class AwsCredentialsException(Exception innerException)
    : AwsException("No usable AWS credentials: set AwsClientOptions.Credentials or configure AWSSDK's default chain "
        + "(environment variables, shared profile, web identity, container or instance metadata). " + innerException?.Message, innerException);

/// <summary>AWS answered something the client cannot read: the operation is named, the body is not repeated.</summary>
public sealed class AwsResponseParseException : AwsException
{
    public AwsResponseParseException(string service, string operation, string problem, Exception? innerException = null)
        : base($"AWS {service} {operation} answered a response that does not parse: {problem}", innerException)
    {
        Service = service;
        Operation = operation;
    }

    public string Service { get; }

    public string Operation { get; }
}

/// <summary>The error codes shared by every service, and the retry classification.</summary>
internal static class AwsErrorCodes
{
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "TooManyRequestsException", "ThrottledException", "RequestLimitExceeded",
        "RequestThrottled", "RequestThrottledException", "SlowDown", "PriorRequestNotComplete",
    };

    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError", "InternalServerError",
        "RequestTimeout", "RequestTimeoutException",
    };

    private static readonly HashSet<string> Authentication = new(StringComparer.Ordinal)
    {
        "InvalidSignatureException", "SignatureDoesNotMatch", "UnrecognizedClientException", "InvalidClientTokenId",
        "MissingAuthenticationToken", "MissingAuthenticationTokenException", "IncompleteSignature",
        "IncompleteSignatureException", "ExpiredToken", "ExpiredTokenException", "RequestExpired",
    };

    private static readonly HashSet<string> AccessDenied = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException",
    };

    public static bool IsThrottling(string code, HttpStatusCode status)
        => Throttling.Contains(code) || status == HttpStatusCode.TooManyRequests;

    public static bool IsRetryable(string code, HttpStatusCode status)
        => IsThrottling(code, status) || Transient.Contains(code) || (int)status >= 500;

    /// <summary>The typed exception for the codes every service shares; null when the code is service-specific.</summary>
    public static AwsServiceException? Common(AwsErrorDetails details)
    {
        if (IsThrottling(details.ErrorCode, details.StatusCode))
        {
            return new AwsThrottlingException(details);
        }

        if (Authentication.Contains(details.ErrorCode))
        {
            return new AwsAuthenticationException(details);
        }

        if (AccessDenied.Contains(details.ErrorCode))
        {
            return new AwsAccessDeniedException(details);
        }

        return null;
    }

    /// <summary>Maps details to the service's typed exception, then to the shared ones, then to the base type.</summary>
    public static AwsServiceException Map(AwsErrorDetails details, IReadOnlyDictionary<string, Func<AwsErrorDetails, AwsServiceException>> serviceErrors)
    {
        if (serviceErrors.TryGetValue(details.ErrorCode, out var create))
        {
            return create(details);
        }

        return Common(details)
            ?? ((int)details.StatusCode >= 500 || Transient.Contains(details.ErrorCode)
                ? new AwsServiceUnavailableException(details)
                : new AwsServiceException(details));
    }
}
