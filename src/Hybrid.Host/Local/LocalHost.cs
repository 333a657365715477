using Hybrid.Api;
using Hybrid.Durable;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;
using Hybrid.Host.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Local;

/// <summary>
/// The local host behind <c>hybrid serve</c>: the workflows of a folder, the embedded durable backend (in memory, or
/// Azure Storage against Azurite), the HTTP API and graph page, mocked Task answers and cron schedules.
/// </summary>
public static class LocalHost
{
    /// <summary>Builds the host; everything that can be wrong in the options is reported here, before anything starts.</summary>
    /// <exception cref="WorkflowRegistryException">A definition is invalid.</exception>
    /// <exception cref="DirectoryNotFoundException">The workflows or mocks folder does not exist.</exception>
    /// <exception cref="FormatException">A mock file or a schedule is malformed.</exception>
    /// <exception cref="ArgumentException">A backend option cannot work.</exception>
    public static WebApplication Build(LocalHostOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var workflows = FolderWorkflowRegistry.Load(options.Workflows);
        options.Backend.Validate();
        _ = ScheduleService.Parse(options.Schedules);
        foreach (var schedule in options.Schedules)
        {
            if (workflows.Find(schedule.Value.Workflow) is null)
            {
                throw new FormatException($"Schedule '{schedule.Key}' starts workflow '{schedule.Value.Workflow}', which is not in {options.Workflows}.");
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Hybrid", LogLevel.Information);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IWorkflowRegistry>(workflows);
        if (options.Mocks is { } mocks)
        {
            if (!Directory.Exists(mocks) && !File.Exists(mocks))
            {
                throw new DirectoryNotFoundException($"The mocks folder '{Path.GetFullPath(mocks)}' does not exist.");
            }

            builder.Services.AddSingleton<IDispatchMiddleware>(MockedTasks.Load(mocks, options.TestCase));
        }

        if (options.Backend.Backend == DurableBackendKind.AzureStorage)
        {
            builder.Services.AddSingleton<IExecutionHistoryStore>(new TableExecutionHistoryStore(options.Backend.ConnectionString, options.Backend.TaskHub + "Events"));
        }

        builder.Services.AddHybridExecutions(new ExecutionServiceOptions { Run = RunSettings.Default with { SkipWaits = options.SkipWaits } });
        builder.Services.AddHybridDurableBackend(options.Backend, tasks => tasks.AddHybridTasks());
        builder.Services.AddHybridApi();
        if (options.Schedules.Count > 0)
        {
            builder.Services.AddHostedService<ScheduleService>();
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapHybridApi();
        return app;
    }
}
