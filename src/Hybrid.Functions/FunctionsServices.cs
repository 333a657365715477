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

    /// <summary>The AWS clients' settings: region and endpoint overrides; credentials from AWSSDK.Core's default chain.</summary>
    private static AwsClientOptions Aws(IConfiguration configuration)
    {
        Uri? Endpoint(string key) => configuration[key] is not { Length: > 0 } text ? null
            : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
            : throw new InvalidOperationException($"The setting '{key}' ('{text}') is not an absolute http(s) URL.");
        return new AwsClientOptions
        {
            Region = configuration[FunctionsSettings.AwsRegion] is { Length: > 0 } region ? region : "us-east-1",
            IamEndpoint = Endpoint(FunctionsSettings.AwsIamEndpoint),
            StepFunctionsEndpoint = Endpoint(FunctionsSettings.AwsStepFunctionsEndpoint),
            StepFunctionsSyncEndpoint = Endpoint(FunctionsSettings.AwsStepFunctionsSyncEndpoint),
            StsEndpoint = Endpoint(FunctionsSettings.AwsStsEndpoint),
        };
    }

    private sealed class DurableExecutionServiceFactory(IWorkflowRegistry workflows, IExecutionHistoryStore history, TimeProvider time, ExecutionServiceOptions options)
        : IExecutionServiceFactory
    {
        public IExecutionService Create(DurableTaskClient client) => new DurableExecutionService(Check.NotNull(client), workflows, history, time, options);
    }
}
