using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
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
    /// in-memory history and started-task stores unless another <see cref="IExecutionHistoryStore"/> or
    /// <see cref="IStartedTaskStore"/> was registered first (a host registers both or neither). The caller
    /// registers an <see cref="IWorkflowRegistry"/> and the Durable worker (with <see cref="DurableRegistration.AddHybridTasks"/>).
    /// </summary>
    public static IServiceCollection AddHybridExecutions(this IServiceCollection services, ExecutionServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(options ?? new ExecutionServiceOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TaskHandlerRegistry>();
        services.TryAddSingleton<IExecutionHistoryStore, InMemoryExecutionHistoryStore>();
        services.TryAddSingleton<IStartedTaskStore, InMemoryStartedTaskStore>();
        services.TryAddSingleton<IExecutionService, DurableExecutionService>();
        return services;
    }

    /// <summary>
    /// Makes the dispatch activity check the caller's token again before every Task (<see cref="IdentityDispatchMiddleware"/>),
    /// ahead of every other middleware, so that no handler or mock runs first. Needs the identity layer
    /// (<c>AddHybridIdentity</c>), whose <c>ITokenSealer</c> also seals tokens at the start.
    /// </summary>
    public static IServiceCollection AddHybridIdentityChecks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Insert(0, ServiceDescriptor.Singleton<IDispatchMiddleware, IdentityDispatchMiddleware>());
        return services;
    }
}
