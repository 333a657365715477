using Microsoft.Extensions.Logging;

namespace Hybrid.Aws;

/// <summary>Every log message of Hybrid.Aws, source-generated, with stable event ids (4000-4099).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "AWS {Service} {Operation} succeeded on attempt {Attempt}")]
    public static partial void RequestSucceeded(ILogger logger, string service, string operation, int attempt);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "AWS {Service} {Operation} attempt {Attempt} failed with {ErrorCode} (HTTP {StatusCode}); retrying in {DelayMs} ms")]
    public static partial void RetryScheduled(ILogger logger, string service, string operation, int attempt, string errorCode, int statusCode, double delayMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "AWS {Service} {Operation} failed with {ErrorCode} (HTTP {StatusCode}, request {RequestId}) after {Attempt} attempt(s)")]
    public static partial void RequestFailed(ILogger logger, string service, string operation, string errorCode, int statusCode, string? requestId, int attempt);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "AWS {Service} {Operation} attempt {Attempt} failed in transport; retrying in {DelayMs} ms")]
    public static partial void TransportRetryScheduled(ILogger logger, Exception exception, string service, string operation, int attempt, double delayMs);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "AWS {Service} {Operation} answered a response that does not parse: {Problem}")]
    public static partial void ResponseUnparsable(ILogger logger, string service, string operation, string problem);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Deleted temporary role {RoleName}, expired at {Expires:O}")]
    public static partial void RoleDeleted(ILogger logger, string roleName, DateTimeOffset expires);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Could not delete temporary role {RoleName}: {ErrorCode}: {Message}; the next sweep tries again")]
    public static partial void RoleSweepFailed(ILogger logger, string roleName, string errorCode, string message);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Role {RoleName} has tag {Tag} = '{Value}', which is not an ISO 8601 instant; it is left alone")]
    public static partial void RoleExpiryUnreadable(ILogger logger, string roleName, string tag, string value);
}
