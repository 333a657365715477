using System.Diagnostics;
using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Host.Backends;

/// <summary>
/// The local host's durable backend: the Durable Task gRPC sidecar (<see cref="TaskHubGrpcServer"/>) in its own Kestrel
/// app on 127.0.0.1 and a free port (HTTP/2 without TLS), over the in-memory backend or Azure Storage, with the
/// sidecar's known defects worked around. Point one Durable Task worker and any number of clients at <see cref="Channel"/>;
/// the sidecar serves one worker at a time. Stop the worker before the backend.
/// </summary>
/// <remarks>In a host, prefer <see cref="DurableBackendServiceCollectionExtensions.AddHybridDurableBackend"/>, which
/// does the whole wiring and the ordering.</remarks>
public sealed class DurableBackend : IAsyncDisposable, IDisposable
{
    private const int MaxGrpcMessageBytes = 16 * 1024 * 1024;

    /// <summary>Azure Storage's own completion poll; ours backs off to it and never polls slower.</summary>
    private static readonly TimeSpan CompletionPollCeiling = TimeSpan.FromSeconds(2);

    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _sidecar;
    private GrpcChannel? _channel;
    private CallInvoker? _callInvoker;
    private OrchestrationServiceDecorator? _service;
    private Uri? _address;
    private int _state; // 0: new, 1: started, 2: stopped

    /// <summary>Creates a backend that is not started yet.</summary>
    /// <exception cref="ArgumentException">An option cannot work (see <see cref="DurableBackendOptions.Validate"/>).</exception>
    public DurableBackend(DurableBackendOptions options, ILoggerFactory? loggerFactory = null)
    {
        Options = Check.NotNull(options);
        options.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<DurableBackend>();
        CallInvoker = new DeferredCallInvoker(() => Volatile.Read(ref _callInvoker));
    }

    public DurableBackendOptions Options { get; }

    /// <summary>The sidecar's address, <c>http://127.0.0.1:port</c>.</summary>
    /// <exception cref="InvalidOperationException">The backend is not running.</exception>
    public Uri Address => _address ?? throw NotRunning();

    /// <summary>
    /// The channel to the sidecar, for <c>AddDurableTaskWorker(b =&gt; b.UseGrpc(backend.Channel))</c> and
    /// <c>AddDurableTaskClient(b =&gt; b.UseGrpc(backend.Channel))</c>. The backend owns and disposes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The backend is not running.</exception>
    public GrpcChannel Channel => Volatile.Read(ref _channel) ?? throw NotRunning();

    /// <summary>A call invoker usable before the backend starts (calls fail as Unavailable until it does).</summary>
    internal CallInvoker CallInvoker { get; }

    /// <summary>The decorated DurableTask.Core backend the sidecar runs on (for tests).</summary>
    internal OrchestrationServiceDecorator Service => _service ?? throw NotRunning();

    /// <summary>Creates and starts a backend.</summary>
    public static async Task<DurableBackend> StartNewAsync(
        DurableBackendOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var backend = new DurableBackend(options, loggerFactory);
        try
        {
            await backend.StartAsync(cancellationToken).ConfigureAwait(false);
            return backend;
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates the task hub if it does not exist (the sidecar never does), then starts the sidecar. The backend itself
    /// starts dispatching when the worker connects.
    /// </summary>
    /// <exception cref="InvalidOperationException">The backend was started before.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != 0)
            {
                throw new InvalidOperationException("A durable backend starts once; create a new one to start again.");
            }

            var watch = Stopwatch.StartNew();
            var service = CreateService();
            WebApplication? sidecar = null;
            try
            {
                await service.CreateIfNotExistsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                sidecar = BuildSidecar(service);
                await sidecar.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (sidecar is not null)
                {
                    await sidecar.DisposeAsync().ConfigureAwait(false);
                }

                service.Dispose();
                throw;
            }

            var address = new Uri(sidecar.Services.GetRequiredService<IServer>().Features
                .Get<IServerAddressesFeature>()!.Addresses.Single());
            var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    // Every wait for completion is a stream of its own; let them spread over several connections.
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                    UseProxy = false,
                },
                DisposeHttpClient = true,
                MaxReceiveMessageSize = MaxGrpcMessageBytes,
                MaxSendMessageSize = MaxGrpcMessageBytes,
                LoggerFactory = _loggerFactory,
            });

            _service = service;
            _sidecar = sidecar;
            _address = address;
            Volatile.Write(ref _channel, channel);
            Volatile.Write(ref _callInvoker, channel.CreateCallInvoker());
            _state = 1;
            Logs.BackendStarted(_logger, Options.Backend, Options.TaskHub, Options.WorkerId, address, watch.ElapsedMilliseconds);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops within <see cref="DurableBackendOptions.ShutdownTimeout"/> (or sooner, if <paramref name="cancellationToken"/>
    /// fires): closes the channel, stops the sidecar and stops the backend, which releases Azure Storage's partition
    /// leases. Work still in flight is abandoned; being durable, it runs again on the next start.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_state != 1)
            {
                _state = 2;
                return;
            }

            _state = 2;
            var watch = Stopwatch.StartNew();
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(Options.ShutdownTimeout);
            Volatile.Write(ref _callInvoker, null);
            var channel = Interlocked.Exchange(ref _channel, null);
            _address = null;

            // Closing the channel first ends the calls still open through it (a client's wait, the worker's stream if it
            // is still connected), so that Kestrel's graceful stop does not wait for them.
            channel?.Dispose();
            await BoundedAsync(() => _sidecar!.StopAsync(bound.Token), bound.Token).ConfigureAwait(false);

            // Called even when the sidecar used up the budget: it releases Azure Storage's partition leases, and it goes
            // on in the background if this process does.
            var serviceStopped = await BoundedAsync(() => _service!.StopAsync(isForced: true), bound.Token).ConfigureAwait(false);
            await _sidecar!.DisposeAsync().ConfigureAwait(false);
            if (serviceStopped)
            {
                _service!.Dispose();
            }

            Logs.BackendStopped(_logger, Options.Backend, watch.ElapsedMilliseconds);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops (see <see cref="StopAsync"/>). Stopping or disposing again does nothing.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Stops (bounded, blocking) if still running. Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static InvalidOperationException NotRunning() => new("The durable backend is not running.");

    /// <summary>Runs one step of stopping within <paramref name="bound"/>; logs instead of throwing. False: still running.</summary>
    private async Task<bool> BoundedAsync(Func<Task> step, CancellationToken bound)
    {
        try
        {
            await step().WaitAsync(bound).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            Logs.StopTimedOut(_logger, Options.Backend, Options.ShutdownTimeout.TotalMilliseconds);
            return false;
        }
        catch (Exception e)
        {
            Logs.StopFailed(_logger, e, Options.Backend);
        }

        return true;
    }

    private OrchestrationServiceDecorator CreateService()
    {
        if (Options.Backend == DurableBackendKind.InMemory)
        {
            return new ConcurrencyLimitsDecorator(
                new CompletedInstanceDecorator(new InMemoryOrchestrationService(_loggerFactory)),
                Options.MaxConcurrentOrchestrations,
                Options.MaxConcurrentActivities);
        }

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(Options.ConnectionString),
            TaskHubName = Options.TaskHub,
            WorkerId = Options.WorkerId,
            MaxQueuePollingInterval = Options.MaxQueuePollingInterval,
            MaxConcurrentTaskOrchestrationWorkItems = Options.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = Options.MaxConcurrentActivities,
            PartitionCount = Options.PartitionCount,
            LoggerFactory = _loggerFactory,
        };

        // Order: the fixes apply to what the sidecar hands over before it reaches Azure Storage.
        return new ConcurrencyLimitsDecorator(
            new CompletionPollingDecorator(
                new SubOrchestrationCreatedEventDecorator(
                    new SubOrchestrationTagsDecorator(
                        new ActivityLockRenewalDecorator(
                            new AzureStorageOrchestrationService(settings),
                            settings.WorkItemQueueVisibilityTimeout / 3,
                            _loggerFactory.CreateLogger<ActivityLockRenewalDecorator>()))),
                CompletionPollCeiling),
            Options.MaxConcurrentOrchestrations,
            Options.MaxConcurrentActivities);
    }

    private WebApplication BuildSidecar(OrchestrationServiceDecorator service)
    {
        // The empty builder reads no configuration, environment variables or appsettings: nothing ambient can move the
        // sidecar off loopback or change its protocol.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DurableBackend).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = Options.ShutdownTimeout);
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxGrpcMessageBytes;
            grpc.MaxSendMessageSize = MaxGrpcMessageBytes;
            grpc.Interceptors.Add<ReplayPayloadInterceptor>();
        });
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);

        // One instance: it holds the pending work items and the worker's stream.
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();

        // Created now, so that it hooks the app's start and stop events before they happen.
        _ = app.Services.GetRequiredService<TaskHubGrpcServer>();
        return app;
    }
}
