using Hybrid.Api;
using Hybrid.Asl.Running;
using Hybrid.Aws;
using Hybrid.Aws.Bridge;
using Hybrid.Aws.Iam;
using Hybrid.Aws.Roles;
using Hybrid.Durable;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Rotation;
using Hybrid.Identity.Sealing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Functions;

/// <summary>The Functions app's services: the same execution, history and API services as the local host.</summary>
public static class FunctionsServices
{
    /// <summary>
    /// Registers the workflows of <see cref="FunctionsSettings.Workflows"/> (loaded and validated here, so a bad
    /// definition stops the app at start with every problem named), the table history store, the dispatch pipeline's
    /// services, the API's authorizer, the key rotation's services (<see cref="KeyRotation.AddHybridRotation"/>), and the
    /// Step Functions bridge and the temporary-role sweeper over the same AWS clients.
    /// </summary>
    /// <param name="services">The worker's container.</param>
    /// <param name="configuration">App settings (<c>local.settings.json</c> locally).</param>
    /// <param name="appFolder">The folder relative paths are resolved against (the app's folder).</param>
    /// <exception cref="InvalidOperationException">A required setting is missing.</exception>
    public static IServiceCollection AddHybridFunctions(this IServiceCollection services, IConfiguration configuration, string appFolder)
    {
        Check.NotNull(services);
        Check.NotNull(configuration);
        Check.NotNull(appFolder);
        var workflows = Path.GetFullPath(configuration[FunctionsSettings.Workflows] ?? FunctionsSettings.DefaultWorkflows, appFolder);
        services.AddSingleton<IWorkflowRegistry>(FolderWorkflowRegistry.Load(workflows));

        var storage = configuration[FunctionsSettings.Storage] is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException($"The setting '{FunctionsSettings.Storage}' is missing: set it to the storage account's connection string ('UseDevelopmentStorage=true' for Azurite).");
        var historyTable = configuration[FunctionsSettings.HistoryTable] ?? FunctionsSettings.DefaultHistoryTable;
        services.AddSingleton<IExecutionHistoryStore>(new TableExecutionHistoryStore(storage, historyTable));
        services.AddSingleton<IStartedTaskStore>(new TableStartedTaskStore(storage, TableStartedTaskStore.NameBeside(historyTable)));
        services.AddHybridExecutions();
        services.AddSingleton<IExecutionServiceFactory, DurableExecutionServiceFactory>();

        // First the storage-backed audit log, key ring and sealer (the rotation's), so the identity layer and the API
        // use them rather than their in-memory defaults.
        var rotation = configuration.GetSection(RotationOptions.Section).Get<RotationOptions>() ?? new RotationOptions();
        var aws = Aws(configuration);
        services.AddHybridRotation(rotation, storage, aws.Clients);

        // The same authorization as the local host: every request's token at the front door, and again before every Task.
        var identity = configuration.GetSection(FunctionsSettings.Identity);
        if (!identity.GetChildren().Any())
        {
            throw new InvalidOperationException(
                $"The setting section '{FunctionsSettings.Identity}' is missing: every request and every Task checks the caller's Ping token. " +
                "Set Identity__Authority, Identity__Audiences__0 and Identity__Policy__Rules__... (docs/identity.md).");
        }

        services.AddHybridApiIdentity(identity);
        services.AddHybridIdentityChecks();
        services.AddHybridApi();

        // The Step Functions bridge answers the states:startExecution Task resources, as on the local host; it unseals
        // callers' tokens (for federation) with the same key ring the rotation rolls.
        services.AddSingleton(sp =>
        {
            var sealer = sp.GetRequiredService<ITokenSealer>();
            return new StepFunctionsBridge(
                sp.GetRequiredService<AwsClients>(),
                aws.Bridge,
                (sealedToken, purpose) => sealer.TryUnseal(sealedToken, purpose, out var token) ? token : null,
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<StepFunctionsBridge>().Register(new TaskHandlerRegistry()));
        services.AddSingleton(sp => new RoleSweeper(sp.GetRequiredService<IIamClient>(), aws.Sweeper, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<RoleSweeper>>()));
        return services;
    }

    /// <summary>
    /// The AWS side (<see cref="FunctionsSettings.Aws"/>), read as the local host reads it: region, endpoint overrides,
    /// the bridge (federation included) and the sweeper; credentials from AWSSDK.Core's default chain.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value is malformed or cannot work; the message names its key.</exception>
    private static AwsHostOptions Aws(IConfiguration configuration)
    {
        try
        {
            var aws = AwsHostOptions.FromConfiguration(configuration.GetSection(FunctionsSettings.Aws)) ?? new AwsHostOptions();
            aws.Validate();
            return aws;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"The setting section '{FunctionsSettings.Aws}' is not valid: {e.Message}", e);
        }
    }

    private sealed class DurableExecutionServiceFactory(
        IWorkflowRegistry workflows, IExecutionHistoryStore history, IStartedTaskStore started, TimeProvider time, ExecutionServiceOptions options)
        : IExecutionServiceFactory
    {
        public IExecutionService Create(DurableTaskClient client) => new DurableExecutionService(Check.NotNull(client), workflows, history, started, time, options);
    }
}
