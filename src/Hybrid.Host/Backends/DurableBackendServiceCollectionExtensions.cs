using System.Text.Encodings.Web;
using System.Text.Json;
using Grpc.Core.Interceptors;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Backends;

/// <summary>Wires a host to an embedded durable backend.</summary>
public static class DurableBackendServiceCollectionExtensions
{
    /// <summary>
    /// The worker's and the client's data converter unless the host registers another: the SDK's default settings
    /// (fields included, names as declared), escaping inside strings only what JSON requires. Hybrid's messages carry
    /// JSON text in string fields (a task's input, its result, an execution's input), which the default encoder
    /// escapes as <c>\u0022</c> at every level: several times the size, written and read again with every episode.
    /// Payloads written with the default encoder read the same. It remembers the orchestration messages it read
    /// (<see cref="MemoizingDataConverter"/>), so that a replay does not deserialize them again.
    /// </summary>
    internal static DataConverter Converter { get; } = new MemoizingDataConverter(
        new JsonSerializerOptions
        {
            IncludeFields = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        },
        new HashSet<Type> { typeof(MachineRun), typeof(BatchRun), typeof(DispatchResult), typeof(RunOutcome), typeof(BatchOutcome) });

    /// <summary>
    /// Registers a <see cref="DurableBackend"/> that starts and stops with the host, a Durable Task worker running the
    /// tasks <paramref name="registerTasks"/> adds (its orchestrations in <see cref="OrchestrationSessions"/> unless
    /// <see cref="DurableBackendOptions.SessionIdleTimeout"/> is zero), and a <see cref="DurableTaskClient"/>, all connected to the backend
    /// and sharing one data converter (<see cref="Converter"/>, unless a <see cref="DataConverter"/> was registered).
    /// On the in-memory backend, also purges closed executions once <see cref="DurableBackendOptions.InMemoryRetention"/>
    /// has passed (<see cref="ClosedExecutionRetention"/>), with their history and started-task records when the host
    /// keeps them in memory (<see cref="InMemoryExecutionHistoryStore"/>, <see cref="InMemoryStartedTaskStore"/>). Also bounds the host's shutdown: the worker gets <see cref="DurableBackendOptions.ShutdownTimeout"/> to finish its
    /// work in flight, then the backend gets as long again to stop.
    /// </summary>
    /// <remarks>Call it once per host, and do not call <c>AddDurableTaskWorker</c> or <c>AddDurableTaskClient</c> yourself.</remarks>
    /// <exception cref="ArgumentException">An option cannot work.</exception>
    public static IServiceCollection AddHybridDurableBackend(
        this IServiceCollection services, DurableBackendOptions options, Action<DurableTaskRegistry> registerTasks)
    {
        Check.NotNull(services);
        Check.NotNull(options);
        Check.NotNull(registerTasks);
        options.Validate();

        services.AddSingleton(options);
        services.AddSingleton(sp => new DurableBackend(options, sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(Converter);

        // Hosted services start in registration order and stop in reverse: the backend before and after the worker.
        services.AddHostedService<DurableBackendHostedService>();
        if (options.Backend == DurableBackendKind.InMemory && options.InMemoryRetention > TimeSpan.Zero)
        {
            // After the backend: it starts once the backend runs and stops before the backend does.
            services.AddHostedService(sp => new ClosedExecutionRetention(
                sp.GetRequiredService<DurableTaskClient>(),
                options.InMemoryRetention,
                sp.GetService<IExecutionHistoryStore>() as InMemoryExecutionHistoryStore,
                sp.GetService<IStartedTaskStore>() as InMemoryStartedTaskStore,
                sp.GetRequiredService<ILogger<ClosedExecutionRetention>>()));
        }

        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        services.AddDurableTaskWorker(worker =>
        {
            worker.AddTasks(registerTasks);
            worker.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
                o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities;
            });
            worker.UseGrpc();
            if (options.SessionIdleTimeout == TimeSpan.Zero)
            {
                services.AddOptions<GrpcDurableTaskWorkerOptions>(worker.Name)
                    .Configure<DurableBackend>((o, backend) => o.CallInvoker = backend.CallInvoker);
                return;
            }

            // Orchestrator work items run in extended sessions; the SDK's worker, built by SessionWorker, runs the rest.
            services.AddSingleton(new SessionWorkerTarget(worker.BuildTarget!));
            worker.BuildTarget = typeof(SessionWorker);
            services.AddSingleton(sp => new OrchestrationSessions(
                sp.GetRequiredService<DurableBackend>().CallInvoker,
                options.SessionIdleTimeout,
                sp.GetRequiredService<ILogger<OrchestrationSessions>>()));
            services.AddOptions<GrpcDurableTaskWorkerOptions>(worker.Name)
                .Configure<DurableBackend, OrchestrationSessions>((o, backend, sessions) => o.CallInvoker = backend.CallInvoker.Intercept(sessions));
        });

        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc();
            client.RegisterDirectly();
            services.AddOptions<GrpcDurableTaskClientOptions>(client.Name)
                .Configure<DurableBackend>((o, backend) => o.CallInvoker = backend.CallInvoker);
        });

        return services;
    }
}
