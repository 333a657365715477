using Hybrid.Aws.Roles;
using Hybrid.Durable.Rotation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Hybrid.Functions;

/// <summary>
/// The timer triggers. Each only starts durable work (the schedule is NCRONTAB from app settings, in UTC); the work
/// itself is an orchestration, so it survives restarts and scale-in. Disable one with the app setting
/// <c>AzureWebJobs.{FunctionName}.Disabled=true</c>.
/// </summary>
public sealed partial class TimerFunctions(RotationOptions rotation, RoleSweeper sweeper, TimeProvider time, ILogger<TimerFunctions> logger)
{
    /// <summary>
    /// Starts the key rotation (<see cref="KeyRotationOrchestrator"/>). The instance id is the firing's minute, so a
    /// firing the host repeats within that minute starts nothing new.
    /// </summary>
    [Function("Timer-KeyRotation")]
    public async Task RotateKeys([TimerTrigger("%" + FunctionsSettings.RotationSchedule + "%")] TimerInfo timer, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var now = time.GetUtcNow();
        var occurrence = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var (id, started) = await KeyRotation.StartAsync(client, rotation.ToRun(), occurrence).ConfigureAwait(false);
        LogRotation(id, started, timer.IsPastDue);
    }

    /// <summary>
    /// Deletes temporary IAM roles whose expiry tag has passed (<see cref="RoleSweeper"/>). A sweep is idempotent and
    /// safe to run concurrently, so it needs no orchestration: a sweep cut short is finished by the next one.
    /// </summary>
    [Function("Timer-RoleSweeper")]
    public async Task SweepRoles([TimerTrigger("%" + FunctionsSettings.AwsSweeperCron + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var result = await sweeper.SweepAsync(cancellationToken).ConfigureAwait(false);
        LogSweep(result.Examined, result.Deleted.Count, result.AlreadyGone.Count, result.Failed.Count);
    }

    [LoggerMessage(EventId = 9301, Level = LogLevel.Information, Message = "Role sweep: {Examined} examined, {Deleted} deleted, {Gone} already gone, {Failed} failed.")]
    private partial void LogSweep(int examined, int deleted, int gone, int failed);

    [LoggerMessage(EventId = 9300, Level = LogLevel.Information, Message = "Key rotation {InstanceId}: started {Started} (past due {PastDue}).")]
    private partial void LogRotation(string instanceId, bool started, bool pastDue);
}
