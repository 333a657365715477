using System.Globalization;
using System.Text.Json.Nodes;
using Cronos;
using Hybrid.Durable.Executions;
using Hybrid.Host.Local;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Timers;

/// <summary>
/// A job the host's timer runs on a cron schedule (UTC), besides the workflow schedules: for example the AWS role
/// sweeper. The occurrence it runs for is passed in.
/// </summary>
public sealed record ScheduledJob(string Name, string Cron, Func<DateTimeOffset, CancellationToken, Task> RunAsync);

/// <summary>
/// The local host's timer, its equivalent of Functions timer triggers: it starts workflows on cron schedules and runs
/// the registered <see cref="ScheduledJob"/>s. Each workflow occurrence starts an execution named after the schedule
/// and the occurrence time, so a restart within the same occurrence never starts it twice (starts are idempotent by name).
/// </summary>
public sealed partial class ScheduleService(
    LocalHostOptions options, IExecutionService executions, IEnumerable<ScheduledJob> jobs, TimeProvider time, ILogger<ScheduleService> logger) : BackgroundService
{
    /// <summary>Parses every schedule's cron expression, naming the schedule that is wrong.</summary>
    /// <exception cref="FormatException">A cron expression is invalid.</exception>
    public static IReadOnlyDictionary<string, CronExpression> Parse(IReadOnlyDictionary<string, ScheduleOptions> schedules)
    {
        Check.NotNull(schedules);
        return schedules.ToDictionary(s => s.Key, s => ParseCron(s.Key, s.Value.Cron), StringComparer.Ordinal);
    }

    /// <summary>Parses one cron expression (five fields, or six with seconds first), naming its schedule when it is wrong.</summary>
    /// <exception cref="FormatException">The expression is invalid.</exception>
    public static CronExpression ParseCron(string name, string cron)
    {
        Check.NotNull(cron);
        try
        {
            var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"Schedule '{name}': '{cron}' is not a cron expression ({e.Message}). Use five fields (minute hour day month weekday), or six with seconds first.", e);
        }
    }

    /// <summary>The execution name for an occurrence: stable, so that starting it again is idempotent.</summary>
    public static string ExecutionName(string schedule, DateTimeOffset occurrence) =>
        $"{schedule}-{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = options.Schedules
            .Select(s => new ScheduledJob(s.Key, s.Value.Cron, (occurrence, ct) => StartAsync(s.Key, s.Value, occurrence, ct)))
            .Concat(jobs)
            .ToList();
        await Task.WhenAll(all.Select(job => RunScheduleAsync(job, ParseCron(job.Name, job.Cron), stoppingToken)));
    }

    private async Task StartAsync(string name, ScheduleOptions schedule, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var input = schedule.Input is null ? new JsonObject() : JsonNode.Parse(schedule.Input);
        var started = await executions.StartAsync(schedule.Workflow, input, ExecutionName(name, occurrence), cancellationToken: cancellationToken);
        LogStarted(name, started.ExecutionId);
    }

    private async Task RunScheduleAsync(ScheduledJob job, CronExpression cron, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (cron.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            try
            {
                await Task.Delay(next - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await job.RunAsync(next, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e, job.Name);
            }
        }
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "Schedule {Schedule} started execution {ExecutionId}.")]
    private partial void LogStarted(string schedule, string executionId);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Error, Message = "Schedule {Schedule} failed.")]
    private partial void LogFailed(Exception exception, string schedule);
}
