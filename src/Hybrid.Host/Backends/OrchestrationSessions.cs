using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P = Microsoft.DurableTask.Protobuf;

namespace Hybrid.Host.Backends;

/// <summary>
/// Extended sessions for the embedded backend's orchestrations: each running orchestration keeps its executor in memory
/// between episodes and is handed only the new events, so an episode no longer replays the orchestration from its start.
/// </summary>
/// <remarks>
/// <para>
/// The sidecar sends every orchestration its whole history with each episode, and the SDK's gRPC worker replays it
/// from the start every time. This client interceptor sits on the worker's work-item stream, takes the orchestrator
/// work items out of it and runs them with the SDK's own session support (<see cref="GrpcOrchestrationRunner"/> with an
/// <see cref="ExtendedSessionsCache"/>, what Azure Functions' extended sessions use); activities and everything else go
/// on to the worker unchanged.
/// </para>
/// <para>
/// An executor kept in memory is used only when the history the sidecar sends is the one it left: the episode it last
/// ran was committed (its <c>OrchestratorStarted</c> event, by time, is in the history where that episode began) and no
/// episode has run since (no later <c>OrchestratorStarted</c>). Otherwise (an episode abandoned or lost, another process
/// on the same task hub, a restart, an idle session evicted) the episode replays the whole history as before. Work items
/// with a rewind or a history streamed in chunks go to the worker, which ends the instance's session; an orchestrator
/// the worker's registry does not know fails with <c>OrchestratorTaskNotFound</c>, as the worker would do.
/// </para>
/// </remarks>
internal sealed class OrchestrationSessions : Interceptor, IDisposable
{
    private const string GetWorkItemsMethod = "/TaskHubSidecarService/GetWorkItems";

    private readonly ExtendedSessionsCache _sessions = new();
    private readonly MemoryCache _cache;
    private readonly TimeSpan _idleTimeout;
    private readonly P.TaskHubSidecarService.TaskHubSidecarServiceClient _sidecar;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Runtime? _runtime;
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private long _resumed;
    private long _replayed;

    public OrchestrationSessions(CallInvoker sidecar, TimeSpan idleTimeout, ILogger<OrchestrationSessions> logger)
    {
        Check.Positive(idleTimeout);
        _idleTimeout = idleTimeout;
        _sidecar = new P.TaskHubSidecarService.TaskHubSidecarServiceClient(Check.NotNull(sidecar));
        _logger = Check.NotNull(logger);
        _cache = _sessions.GetOrInitializeCache(idleTimeout.TotalSeconds);
    }

    /// <summary>Orchestration episodes run from a session, without a replay (for tests and benchmarks).</summary>
    internal long Resumed => Interlocked.Read(ref _resumed);

    /// <summary>Orchestration episodes run from the whole history (for tests and benchmarks).</summary>
    internal long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Lets the sessions create the worker's orchestrators, as the worker would. Until then the worker runs them.</summary>
    internal void Attach(IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services) =>
        Volatile.Write(ref _runtime, new Runtime(factory, new ShimServices(shims, services), services));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        if (context.Method.FullName != GetWorkItemsMethod || call.ResponseStream is not IAsyncStreamReader<P.WorkItem> items)
        {
            return call;
        }

        return new AsyncServerStreamingCall<TResponse>(
            (IAsyncStreamReader<TResponse>)(object)new TakingReader(this, items),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    /// <summary>Waits for the episodes in flight (the worker's own stop waits for its work the same way).</summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        var running = _running.Keys.ToArray();
        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop budget is spent: what is still running is abandoned and, being durable, runs again.
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _sessions.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Takes an orchestrator work item to run it here; false leaves it to the worker.</summary>
    private bool TryTake(P.WorkItem item)
    {
        if (item.OrchestratorRequest is not { } request)
        {
            return false;
        }

        var runtime = Volatile.Read(ref _runtime);
        if (runtime is null || _stopping.IsCancellationRequested || request.RequiresHistoryStreaming
            || request.NewEvents.Any(e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.ExecutionRewound))
        {
            Forget(request.InstanceId);
            return false;
        }

        var episode = Task.Run(() => RunAsync(runtime, request, item.CompletionToken));
        _running.TryAdd(episode, 0);
        episode.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    private async Task RunAsync(Runtime runtime, P.OrchestratorRequest request, string completionToken)
    {
        var instanceId = request.InstanceId;
        try
        {
            var pastCount = request.PastEvents.Count;
            var response = Execute(runtime, request);
            response.CompletionToken = completionToken;
            await _sidecar.CompleteOrchestratorTaskAsync(response, cancellationToken: _stopping.Token).ConfigureAwait(false);
            if (response.Actions.Any(a => a.CompleteOrchestration is not null) || request.NewEvents.Count == 0
                || request.NewEvents[0].EventTypeCase != P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted)
            {
                Forget(instanceId);
                return;
            }

            _cache.Set(new MarkKey(instanceId), new Mark(request.ExecutionId, pastCount, request.NewEvents[0].Timestamp),
                new MemoryCacheEntryOptions { SlidingExpiration = _idleTimeout });
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is stopping (the worker's channel or these sessions are gone): nothing of the episode was
            // committed, and the backend hands it out again.
            Logs.SessionCompletionFailed(_logger, e, instanceId);
        }
    }

    /// <summary>
    /// Runs one episode: from the session if it continues the history sent, else from the whole history. A resumed
    /// episode that throws (rather than failing the orchestration, which the executor reports as an action) ends the
    /// session and the episode replays; a replay that throws fails the orchestration with the exception, as the worker
    /// does. While stopping, exceptions propagate and nothing is completed.
    /// </summary>
    private P.OrchestratorResponse Execute(Runtime runtime, P.OrchestratorRequest request)
    {
        request.Properties["IsExtendedSession"] = Value.ForBool(true);
        request.Properties["ExtendedSessionIdleTimeoutInSeconds"] = Value.ForNumber(_idleTimeout.TotalSeconds);
        if (_cache.TryGetValue(new MarkKey(request.InstanceId), out Mark? mark) && mark!.IsContinuedBy(request))
        {
            var past = request.PastEvents.ToArray();
            request.PastEvents.Clear();
            request.Properties["IncludeState"] = Value.ForBool(false);
            try
            {
                var resumed = Run(runtime, request, Placeholder.Instance);
                if (!resumed.RequiresHistory)
                {
                    Interlocked.Increment(ref _resumed);
                    return resumed;
                }
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                Forget(request.InstanceId);
                Logs.SessionResumeFailed(_logger, e, request.InstanceId);
            }

            // The executor was evicted after the mark was read, or it failed: replay.
            request.PastEvents.Add(past);
        }

        try
        {
            var name = request.NewEvents.Concat(request.PastEvents)
                .FirstOrDefault(e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.ExecutionStarted)?.ExecutionStarted.Name;
            if (name is null || !runtime.Factory.TryCreateOrchestrator(new TaskName(name), runtime.Root, out var orchestrator))
            {
                Forget(request.InstanceId);
                return Failed(request, "OrchestratorTaskNotFound", $"No orchestrator task named '{name}' was found.", null);
            }

            request.Properties["IncludeState"] = Value.ForBool(true);
            Interlocked.Increment(ref _replayed);
            return Run(runtime, request, orchestrator);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            Forget(request.InstanceId);
            Logs.SessionEpisodeFailed(_logger, e, request.InstanceId);
            return Failed(request, e.GetType().FullName!, e.Message, e.StackTrace);
        }
    }

    private P.OrchestratorResponse Run(Runtime runtime, P.OrchestratorRequest request, ITaskOrchestrator orchestrator)
    {
        var encoded = GrpcOrchestrationRunner.LoadAndRun(
            Convert.ToBase64String(request.ToByteArray()), orchestrator, _sessions, runtime.Services);
        return P.OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(encoded));
    }

    private static P.OrchestratorResponse Failed(P.OrchestratorRequest request, string type, string message, string? stackTrace) => new()
    {
        InstanceId = request.InstanceId,
        Actions =
        {
            new P.OrchestratorAction
            {
                CompleteOrchestration = new P.CompleteOrchestrationAction
                {
                    OrchestrationStatus = P.OrchestrationStatus.Failed,
                    FailureDetails = new P.TaskFailureDetails
                    {
                        ErrorType = type,
                        ErrorMessage = message,
                        StackTrace = stackTrace,
                        IsNonRetriable = true,
                    },
                },
            },
        },
    };

    /// <summary>Whether the instance's next episode may resume its session (for tests).</summary>
    internal bool IsMarked(string instanceId) => _cache.TryGetValue(new MarkKey(instanceId), out _);

    /// <summary>Drops an instance's executor but not its mark, as the idle timeout can (for tests).</summary>
    internal void EvictExecutor(string instanceId) => _cache.Remove(instanceId);

    private void Forget(string instanceId)
    {
        _cache.Remove(instanceId);
        _cache.Remove(new MarkKey(instanceId));
    }

    private static string? OrchestrationName(P.OrchestratorRequest request) =>
        request.NewEvents.Concat(request.PastEvents)
            .FirstOrDefault(e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.ExecutionStarted)?.ExecutionStarted.Name;

    /// <summary>Where the episode a session last ran began, and when: what the next history must show.</summary>
    internal sealed record Mark(string ExecutionId, int PastCount, Timestamp StartedAt)
    {
        public bool IsContinuedBy(P.OrchestratorRequest request)
        {
            var past = request.PastEvents;
            if (request.ExecutionId != ExecutionId || past.Count <= PastCount
                || past[PastCount].EventTypeCase != P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted
                || !StartedAt.Equals(past[PastCount].Timestamp))
            {
                return false;
            }

            for (var i = PastCount + 1; i < past.Count; i++)
            {
                if (past[i].EventTypeCase == P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private readonly record struct MarkKey(string InstanceId);

    private sealed record Runtime(IDurableTaskFactory Factory, IServiceProvider Services, IServiceProvider Root);

    /// <summary>Hands the runner the worker's shim factory (its data converter and options), everything else from the host.</summary>
    private sealed class ShimServices(DurableTaskShimFactory shims, IServiceProvider inner) : IServiceProvider
    {
        public object? GetService(System.Type serviceType) =>
            serviceType == typeof(DurableTaskShimFactory) ? shims : inner.GetService(serviceType);
    }

    /// <summary>What a resumed episode passes as its orchestrator: the session's own is used.</summary>
    private sealed class Placeholder : ITaskOrchestrator
    {
        public static readonly Placeholder Instance = new();

        public System.Type InputType => typeof(object);

        public System.Type OutputType => typeof(object);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            throw new InvalidOperationException("A resumed orchestration session runs its own orchestrator.");
    }

    private sealed class TakingReader(OrchestrationSessions owner, IAsyncStreamReader<P.WorkItem> inner) : IAsyncStreamReader<P.WorkItem>
    {
        public P.WorkItem Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            while (await inner.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                if (!owner.TryTake(inner.Current))
                {
                    Current = inner.Current;
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>
/// The worker the embedded backend registers when sessions are on: the SDK's gRPC worker, built as the SDK would build
/// it, plus the orchestrator registry handed to <see cref="OrchestrationSessions"/>.
/// </summary>
internal sealed class SessionWorker : DurableTaskWorker
{
    private readonly IHostedService _inner;
    private readonly OrchestrationSessions _sessions;

    public SessionWorker(
        string? name,
        IDurableTaskFactory factory,
        IServiceProvider services,
        SessionWorkerTarget target,
        OrchestrationSessions sessions,
        IOptionsMonitor<GrpcDurableTaskWorkerOptions> options,
        ILoggerFactory loggerFactory)
        : base(name, factory)
    {
        _sessions = sessions;
        sessions.Attach(factory, new DurableTaskShimFactory(options.Get(Name), loggerFactory), services);
        _inner = (IHostedService)ActivatorUtilities.CreateInstance(services, target.Type, Name, factory);
    }

    public override Task StartAsync(CancellationToken cancellationToken) => _inner.StartAsync(cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _inner.StopAsync(cancellationToken).ConfigureAwait(false);
        await _sessions.DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        (_inner as IDisposable)?.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}

/// <summary>The worker type the SDK's <c>UseGrpc()</c> chose, which <see cref="SessionWorker"/> builds and runs.</summary>
internal sealed record SessionWorkerTarget(System.Type Type);
