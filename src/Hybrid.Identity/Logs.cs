using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Logging;

namespace Hybrid.Identity;

/// <summary>Every log message of the assembly, source-generated, with stable event ids (7000-7099). Tokens are never logged.</summary>
internal static partial class Logs
{
    [LoggerMessage(7000, LogLevel.Debug, "Token accepted for {Subject} ({Kind})")]
    public static partial void TokenAccepted(ILogger logger, string subject, TokenKind kind);

    [LoggerMessage(7001, LogLevel.Information, "Token refused ({Category}): {Reason}")]
    public static partial void TokenRefused(ILogger logger, TokenFailureCategory category, string reason);

    [LoggerMessage(7002, LogLevel.Information, "Signing key {Kid} was unknown: fetched the key set again ({Count} keys, found: {Found})")]
    public static partial void KeysRefetched(ILogger logger, string kid, int count, bool found);

    [LoggerMessage(7003, LogLevel.Warning, "Signing key {Kid} is unknown, but the key set was fetched less than {Seconds} s ago")]
    public static partial void KeyRefreshThrottled(ILogger logger, string kid, double seconds);

    [LoggerMessage(7004, LogLevel.Warning, "Introspection at {Address} failed: {Detail}")]
    public static partial void IntrospectionFailed(ILogger logger, string address, string detail);

    [LoggerMessage(7005, LogLevel.Error, "The issuer's metadata at {Address} could not be read ({Error})")]
    public static partial void MetadataUnavailable(ILogger logger, string address, string error);

    [LoggerMessage(7006, LogLevel.Error, "Token check failed unexpectedly ({Error}: {Message})")]
    public static partial void ValidationError(ILogger logger, string error, string message);

    [LoggerMessage(7007, LogLevel.Warning, "The development issuer {Issuer} is trusted: never do this outside Development")]
    public static partial void DevelopmentIssuerTrusted(ILogger logger, string issuer);

    [LoggerMessage(7010, LogLevel.Information, "Access {Decision} for {Subject}: {Action} on {Workflow} ({Reason})")]
    public static partial void AccessDecided(ILogger logger, string decision, string subject, string action, string workflow, string reason);

    [LoggerMessage(7020, LogLevel.Error, "The audit entry {EntryId} could not be written ({Error})")]
    public static partial void AuditWriteFailed(ILogger logger, string entryId, string error);
}
