using Hybrid.Api;
using Hybrid.Asl.Running;
using Hybrid.Aws;
using Hybrid.Aws.Bridge;
using Hybrid.Aws.Roles;
using Hybrid.Durable;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;
using Hybrid.Host.Timers;
using Hybrid.Identity.Sealing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Local;

/// <summary>
/// The local host behind <c>hybrid serve</c>: the workflows of a folder, the embedded durable backend (in memory, or
/// Azure Storage against Azurite), the HTTP API and graph page, mocked Task answers, cron schedules and, when configured,
/// the AWS Step Functions bridge and role sweeper.
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

        if (options.Aws is { } aws)
        {
            AddAws(builder.Services, aws);
        }

        builder.Services.AddHybridExecutions(new ExecutionServiceOptions { Run = RunSettings.Default with { SkipWaits = options.SkipWaits } });
        builder.Services.AddHybridDurableBackend(options.Backend, tasks => tasks.AddHybridTasks());
        builder.Services.AddHybridApi();
        if (options.Schedules.Count > 0 || options.Aws?.SweeperCron is not null)
        {
            builder.Services.AddHostedService<ScheduleService>();
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapHybridApi();
        return app;
    }

    /// <summary>
    /// The AWS clients, the Step Functions bridge in the task handler registry (unsealing callers' tokens with the host's
    /// <see cref="ITokenSealer"/>, when it has one), and the role sweeper as a scheduled job.
    /// </summary>
    private static void AddAws(IServiceCollection services, AwsHostOptions aws)
    {
        aws.Validate();
        if (aws.SweeperCron is { } cron)
        {
            _ = ScheduleService.ParseCron("aws-role-sweeper", cron);
        }

        services.AddSingleton(sp => new AwsClients(aws.Clients, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var sealer = sp.GetService<ITokenSealer>();
            Func<string, string, string?>? unseal = sealer is null ? null : (sealedToken, purpose) => sealer.TryUnseal(sealedToken, purpose, out var token) ? token : null;
            return new StepFunctionsBridge(sp.GetRequiredService<AwsClients>(), aws.Bridge, unseal, sp.GetService<TimeProvider>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<StepFunctionsBridge>().Register(new TaskHandlerRegistry()));
        if (aws.SweeperCron is { } sweeperCron)
        {
            services.AddSingleton(sp => new RoleSweeper(sp.GetRequiredService<AwsClients>().Iam, aws.Sweeper, sp.GetService<TimeProvider>(), sp.GetService<ILogger<RoleSweeper>>()));
            services.AddSingleton(sp => new ScheduledJob("aws-role-sweeper", sweeperCron, (_, ct) => sp.GetRequiredService<RoleSweeper>().SweepAsync(ct)));
        }
    }
}
