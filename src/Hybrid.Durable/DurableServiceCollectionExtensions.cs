using Hybrid.Asl.Running;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hybrid.Durable;

/// <summary>Registers the execution operations and what the orchestrations and the dispatch activity need.</summary>
public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IExecutionService"/> over the host's Durable Task client, the task handler registry, and the
    /// in-memory history store unless another <see cref="IExecutionHistoryStore"/> was registered first. The caller
    /// registers an <see cref="IWorkflowRegistry"/> and the Durable worker (with <see cref="DurableRegistration.AddHybridTasks"/>).
    /// </summary>
    public static IServiceCollection AddHybridExecutions(this IServiceCollection services, ExecutionServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(options ?? new ExecutionServiceOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TaskHandlerRegistry>();
        services.TryAddSingleton<IExecutionHistoryStore, InMemoryExecutionHistoryStore>();
        services.TryAddSingleton<IExecutionService, DurableExecutionService>();
        return services;
    }
}
