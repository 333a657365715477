using Azure.Data.Tables;
using Azure.Storage.Blobs;
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
using Hybrid.Durable.Rotation;
using Hybrid.Host.Backends;
using Hybrid.Host.Timers;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Sealing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Local;

/// <summary>
/// The local host behind <c>hybrid serve</c>: the workflows of a folder, the embedded durable backend (in memory, or
/// Azure Storage against Azurite), the HTTP API and graph page, mocked Task answers, cron schedules and, when configured,
/// the AWS Step Functions bridge and role sweeper. Every request and every Task checks the caller's token (see
/// docs/identity.md).
/// </summary>
public static class LocalHost
{
    /// <summary>The policy rule of the embedded defaults: group <c>admins</c> may do everything.</summary>
    public const string DevelopmentRule = "development-admins";

    /// <summary>
    /// The embedded identity defaults, for Development only: trust the local development issuer (the tokens of
    /// <c>hybrid token</c>) and let its group <c>admins</c> start, read, stop and call back every workflow.
    /// </summary>
    /// <param name="keyFolder">Where the development key is kept (default <c>~/.hybrid/dev-identity</c>).</param>
    public static IConfiguration DevelopmentIdentity(string? keyFolder = null) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TrustDevelopmentIssuer"] = "true",
            ["DevelopmentKeyFolder"] = keyFolder,
            ["Policy:Rules:0:Name"] = DevelopmentRule,
            ["Policy:Rules:0:Workflows:0"] = "*",
            ["Policy:Rules:0:Actions:0"] = "Start",
            ["Policy:Rules:0:Actions:1"] = "Read",
            ["Policy:Rules:0:Actions:2"] = "Stop",
            ["Policy:Rules:0:Actions:3"] = "Callback",
            ["Policy:Rules:0:Groups:0"] = "admins",
        })
        .Build();

    /// <summary>Builds the host; everything that can be wrong in the options is reported here, before anything starts.</summary>
    /// <exception cref="WorkflowRegistryException">A definition is invalid.</exception>
    /// <exception cref="DirectoryNotFoundException">The workflows or mocks folder does not exist.</exception>
    /// <exception cref="FormatException">A mock file or a schedule is malformed.</exception>
    /// <exception cref="ArgumentException">A backend option cannot work.</exception>
    /// <exception cref="InvalidOperationException">The Identity configuration is incomplete or inconsistent.</exception>
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

        var configured = options.Identity is { } section && section.GetChildren().Any();
        var development = string.Equals(options.Environment, Environments.Development, StringComparison.OrdinalIgnoreCase);
        if (!configured && !development)
        {
            throw new InvalidOperationException(
                $"No Identity is configured and the environment is '{options.Environment}': the embedded defaults trust the local development issuer, " +
                "which only Development may do. Configure Hybrid:Identity (Authority, Audiences, Policy; see docs/identity.md) or serve in Development.");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = options.Environment });
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

            var mocked = MockedTasks.Load(mocks, options.TestCase);
            builder.Services.AddSingleton<IDispatchMiddleware>(mocked);
            builder.Services.AddSingleton(sp => new ScheduledJob(
                "mock-counters", MockedTasks.SweepCron, (_, ct) => mocked.ForgetEndedAsync(sp.GetRequiredService<DurableTaskClient>(), ct)));
        }

        // The key ring that seals callers' tokens is the host's one Data Protection key ring (the one the key rotation
        // rolls): in a blob container on Azure Storage, outside the durable state, so a restarted host unseals the tokens
        // its executions hold; in memory otherwise, where the executions end with the process and so may their keys.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(TokenSealing.ApplicationName);
        if (options.Backend.Backend == DurableBackendKind.AzureStorage)
        {
            var historyTable = options.Backend.TaskHub + "Events";
            builder.Services.AddSingleton<IExecutionHistoryStore>(new TableExecutionHistoryStore(options.Backend.ConnectionString, historyTable));
            builder.Services.AddSingleton<IStartedTaskStore>(new TableStartedTaskStore(options.Backend.ConnectionString, TableStartedTaskStore.NameBeside(historyTable)));
            builder.Services.AddSingleton<IAuditLog>(new TableAuditLog(new TableServiceClient(options.Backend.ConnectionString).GetTableClient(options.Backend.TaskHub + "Audit")));
            dataProtection.PersistKeysToBlobContainer(new BlobServiceClient(options.Backend.ConnectionString).GetBlobContainerClient(KeyRingContainer(options)));
        }
        else
        {
            dataProtection.AddKeyManagementOptions(o => o.XmlRepository = new InMemoryXmlRepository());
        }

        if (options.Rotation is { } rotation)
        {
            AddRotation(builder.Services, options, rotation);
        }

        if (options.Aws is { } aws)
        {
            AddAws(builder.Services, aws);
        }

        builder.Services.AddHybridApiIdentity(configured ? options.Identity! : DevelopmentIdentity());
        builder.Services.AddHybridIdentityChecks();
        builder.Services.AddHybridExecutions(new ExecutionServiceOptions { Run = RunSettings.Default with { SkipWaits = options.SkipWaits } });
        builder.Services.AddHybridDurableBackend(options.Backend, tasks =>
        {
            tasks.AddHybridTasks();
            if (options.Rotation is not null)
            {
                tasks.AddHybridRotationTasks();
            }
        });
        builder.Services.AddHybridApi();
        if (options.Schedules.Count > 0 || builder.Services.Any(s => s.ServiceType == typeof(ScheduledJob)))
        {
            builder.Services.AddHostedService<ScheduleService>();
        }

        configure?.Invoke(builder);
        var app = builder.Build();

        // Build the identity layer now, so a configuration it refuses stops the host before it listens.
        try
        {
            _ = app.Services.GetRequiredService<IHybridApiAuthorizer>();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        app.MapHybridApi();
        return app;
    }

    private static string KeyRingContainer(LocalHostOptions options) => options.Backend.TaskHub.ToLowerInvariant() + "-keys";

    /// <summary>
    /// The key rotation's services (the AWS clients signing with the rotated key among them) and a scheduled job that starts
    /// the rotation orchestration at each occurrence of its schedule, as the Functions app's timer does.
    /// </summary>
    private static void AddRotation(IServiceCollection services, LocalHostOptions options, RotationOptions rotation)
    {
        if (options.Backend.Backend != DurableBackendKind.AzureStorage)
        {
            throw new ArgumentException("Key rotation (Hybrid:Rotation) needs the Azure Storage backend (--backend azurite): the key ring, the rotated secrets and the audit live in the storage account.");
        }

        _ = ScheduleService.ParseCron("key-rotation", rotation.Schedule);
        // The key ring the rotation rolls is the one the host seals tokens with; the host's audit log and sealer stand.
        services.AddHybridRotation(rotation, options.Backend.ConnectionString, options.Aws?.Clients ?? new AwsClientOptions(), KeyRingContainer(options));
        services.AddSingleton(sp => new ScheduledJob(
            "key-rotation", rotation.Schedule, (occurrence, ct) => KeyRotation.StartAsync(sp.GetRequiredService<DurableTaskClient>(), rotation.ToRun(), occurrence, ct)));
    }

    /// <summary>
    /// The AWS clients, the Step Functions bridge in the task handler registry (unsealing callers' tokens with the host's
    /// <see cref="ITokenSealer"/>, when it has one), and the role sweeper as a scheduled job.
    /// </summary>
    private static void AddAws(IServiceCollection services, AwsHostOptions aws)
    {
        aws.Validate();

        // The key rotation registers them first when it runs, signing with the rotated key.
        services.TryAddSingleton(sp => new AwsClients(aws.Clients, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var sealer = sp.GetService<ITokenSealer>();
            Func<string, string, string?>? unseal = sealer is null ? null : (sealedToken, purpose) => sealer.TryUnseal(sealedToken, purpose, out var token) ? token : null;
            return new StepFunctionsBridge(sp.GetRequiredService<AwsClients>(), aws.Bridge, unseal, sp.GetService<TimeProvider>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<StepFunctionsBridge>().Register(new TaskHandlerRegistry()));
        if (aws.SweeperCron is { } sweeperCron)
        {
            _ = ScheduleService.ParseCron("aws-role-sweeper", sweeperCron);
            services.AddSingleton(sp => new RoleSweeper(sp.GetRequiredService<AwsClients>().Iam, aws.Sweeper, sp.GetService<TimeProvider>(), sp.GetService<ILogger<RoleSweeper>>()));
            services.AddSingleton(sp => new ScheduledJob("aws-role-sweeper", sweeperCron, (_, ct) => sp.GetRequiredService<RoleSweeper>().SweepAsync(ct)));
        }
    }
}
