using Microsoft.Extensions.Logging;

namespace Hybrid.Api;

/// <summary>Every log message of the HTTP API, source-generated, with stable event ids (8300-8399).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 8300, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly; answered 500")]
    public static partial void UnexpectedFailure(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 8301, Level = LogLevel.Information, Message = "{Route} denied with {Status}: {Detail}")]
    public static partial void Denied(ILogger logger, HybridApiRoute route, int status, string? detail);
}
