using System.Globalization;
using System.Text.Json.Nodes;
using Cronos;
using Hybrid.Durable.Executions;
using Hybrid.Host.Local;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Timers;

/// <summary>
/// Starts workflows on cron schedules: the local host's equivalent of a Functions timer trigger. Each occurrence
/// starts an execution named after the schedule and the occurrence time, so a restart within the same occurrence never
/// starts it twice (starts are idempotent by name).
/// </summary>
public sealed partial class ScheduleService(LocalHostOptions options, IExecutionService executions, TimeProvider time, ILogger<ScheduleService> logger) : BackgroundService
{
    /// <summary>Parses every schedule's cron expression, naming the schedule that is wrong.</summary>
    /// <exception cref="FormatException">A cron expression is invalid.</exception>
    public static IReadOnlyDictionary<string, CronExpression> Parse(IReadOnlyDictionary<string, ScheduleOptions> schedules)
    {
        var parsed = new Dictionary<string, CronExpression>(StringComparer.Ordinal);
        foreach (var (name, schedule) in schedules)
        {
            try
            {
                var fields = schedule.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                parsed[name] = CronExpression.Parse(schedule.Cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (CronFormatException e)
            {
                throw new FormatException($"Schedule '{name}': '{schedule.Cron}' is not a cron expression ({e.Message}). Use five fields (minute hour day month weekday), or six with seconds first.", e);
            }
        }

        return parsed;
    }

    /// <summary>The execution name for an occurrence: stable, so that starting it again is idempotent.</summary>
    public static string ExecutionName(string schedule, DateTimeOffset occurrence) =>
        $"{schedule}-{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedules = Parse(options.Schedules);
        await Task.WhenAll(schedules.Select(s => RunScheduleAsync(s.Key, s.Value, options.Schedules[s.Key], stoppingToken)));
    }

    private async Task RunScheduleAsync(string name, CronExpression cron, ScheduleOptions schedule, CancellationToken stoppingToken)
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
                var input = schedule.Input is null ? new JsonObject() : JsonNode.Parse(schedule.Input);
                var started = await executions.StartAsync(schedule.Workflow, input, ExecutionName(name, next), cancellationToken: stoppingToken);
                LogStarted(name, started.ExecutionId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e, name, schedule.Workflow);
            }
        }
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "Schedule {Schedule} started execution {ExecutionId}.")]
    private partial void LogStarted(string schedule, string executionId);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Error, Message = "Schedule {Schedule} could not start workflow {Workflow}.")]
    private partial void LogFailed(Exception exception, string schedule, string workflow);
}
