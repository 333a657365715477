using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Backends;

/// <summary>Every log message of the local host's durable backends, source-generated, with stable event ids (8100-8199).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information,
        Message = "Durable backend {Backend} (task hub {TaskHub}, worker {WorkerId}) listening on {Address}, started in {ElapsedMs} ms")]
    public static partial void BackendStarted(ILogger logger, DurableBackendKind backend, string taskHub, string workerId, Uri address, long elapsedMs);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Durable backend {Backend} stopped in {ElapsedMs} ms")]
    public static partial void BackendStopped(ILogger logger, DurableBackendKind backend, long elapsedMs);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning,
        Message = "Durable backend {Backend} did not stop within {TimeoutMs} ms; work still in flight is abandoned and will run again")]
    public static partial void StopTimedOut(ILogger logger, DurableBackendKind backend, double timeoutMs);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "Durable backend {Backend} failed while stopping")]
    public static partial void StopFailed(ILogger logger, Exception exception, DurableBackendKind backend);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning,
        Message = "Could not renew the lock of activity work item {WorkItemId}; it may run again if it outlives the lock")]
    public static partial void ActivityLockRenewalFailed(ILogger logger, Exception exception, string workItemId);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Error,
        Message = "Orchestration {InstanceId}: the episode threw outside the orchestrator; the orchestration fails with the exception")]
    public static partial void SessionEpisodeFailed(ILogger logger, Exception exception, string instanceId);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Warning,
        Message = "Orchestration {InstanceId}: the host is stopping; the episode was not completed and runs again on the next start")]
    public static partial void SessionCompletionFailed(ILogger logger, Exception exception, string instanceId);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Warning,
        Message = "Orchestration {InstanceId}: resuming its session threw; the episode replays the history instead")]
    public static partial void SessionResumeFailed(ILogger logger, Exception exception, string instanceId);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Information,
        Message = "Purged {Count} execution(s) closed longer than the in-memory retention ({Retention}) ago")]
    public static partial void ExecutionsExpired(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 8109, Level = LogLevel.Warning,
        Message = "The in-memory retention could not purge closed executions this round; the next round tries again")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
