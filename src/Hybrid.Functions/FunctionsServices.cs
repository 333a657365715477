using Amazon.Runtime;
using Hybrid.Api;
using Hybrid.Aws;
using Hybrid.Durable;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Rotation;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions;

/// <summary>The Functions app's services: the same execution, history and API services as the local host.</summary>
public static class FunctionsServices
{
    /// <summary>
    /// Registers the workflows of <see cref="FunctionsSettings.Workflows"/> (loaded and validated here, so a bad
    /// definition stops the app at start with every problem named), the table history store, the dispatch pipeline's
    /// services, the API's authorizer, and the key rotation's services (<see cref="KeyRotation.AddHybridRotation"/>).
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
        services.AddSingleton<IExecutionHistoryStore>(new TableExecutionHistoryStore(storage, configuration[FunctionsSettings.HistoryTable] ?? FunctionsSettings.DefaultHistoryTable));
        services.AddHybridExecutions();
        services.AddSingleton<IExecutionServiceFactory, DurableExecutionServiceFactory>();
        services.AddHybridApi();

        var rotation = configuration.GetSection(RotationOptions.Section).Get<RotationOptions>() ?? new RotationOptions();
        services.AddHybridRotation(rotation, storage, Aws(configuration));
        return services;
    }

    /// <summary>The AWS clients' settings: region, endpoint overrides, and the key to start from.</summary>
    private static AwsClientOptions Aws(IConfiguration configuration)
    {
        static Uri? Endpoint(string? value) => value is { Length: > 0 } ? new Uri(value, UriKind.Absolute) : null;
        var id = configuration[FunctionsSettings.AwsAccessKeyId];
        var secret = configuration[FunctionsSettings.AwsSecretAccessKey];
        if (string.IsNullOrEmpty(id) != string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException($"Set both '{FunctionsSettings.AwsAccessKeyId}' and '{FunctionsSettings.AwsSecretAccessKey}', or neither (AWSSDK.Core's default chain).");
        }

        return new AwsClientOptions
        {
            Region = configuration[FunctionsSettings.AwsRegion] is { Length: > 0 } region ? region : "us-east-1",
            IamEndpoint = Endpoint(configuration[FunctionsSettings.AwsIamEndpoint]),
            StepFunctionsEndpoint = Endpoint(configuration[FunctionsSettings.AwsStepFunctionsEndpoint]),
            StepFunctionsSyncEndpoint = Endpoint(configuration[FunctionsSettings.AwsStepFunctionsSyncEndpoint]),
            StsEndpoint = Endpoint(configuration[FunctionsSettings.AwsStsEndpoint]),
            Credentials = string.IsNullOrEmpty(id) ? null : new BasicAWSCredentials(id, secret),
        };
    }

    private sealed class DurableExecutionServiceFactory(IWorkflowRegistry workflows, IExecutionHistoryStore history, TimeProvider time, ExecutionServiceOptions options)
        : IExecutionServiceFactory
    {
        public IExecutionService Create(DurableTaskClient client) => new DurableExecutionService(Check.NotNull(client), workflows, history, time, options);
    }
}
