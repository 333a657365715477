using Grpc.Core;
using Grpc.Core.Interceptors;
using P = Microsoft.DurableTask.Protobuf;

namespace Hybrid.Host.Backends;

/// <summary>
/// Leaves out of every orchestrator work item the inputs of the activities and sub-orchestrations it scheduled in
/// earlier episodes. The sidecar sends the whole history with each episode, but a replay never reads those inputs:
/// DurableTask.Core matches a past <c>TaskScheduled</c> or <c>SubOrchestrationInstanceCreated</c> event to the replayed
/// call by sequence number and name only. Without them an episode's message no longer grows with the size of every
/// input sent so far, only with their number. The stored history keeps the inputs: only the message is trimmed.
/// </summary>
internal sealed class ReplayPayloadInterceptor : Interceptor
{
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        typeof(TResponse) == typeof(P.WorkItem)
            ? continuation(request, (IServerStreamWriter<TResponse>)(object)new TrimmingWriter((IServerStreamWriter<P.WorkItem>)responseStream), context)
            : continuation(request, responseStream, context);

    /// <summary>Drops the replay-only inputs from an orchestrator request's past events.</summary>
    internal static void Trim(P.OrchestratorRequest request)
    {
        foreach (var past in request.PastEvents)
        {
            switch (past.EventTypeCase)
            {
                case P.HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    past.TaskScheduled.Input = null;
                    break;
                case P.HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated:
                    past.SubOrchestrationInstanceCreated.Input = null;
                    break;
            }
        }
    }

    private sealed class TrimmingWriter(IServerStreamWriter<P.WorkItem> inner) : IServerStreamWriter<P.WorkItem>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(P.WorkItem message)
        {
            if (message.OrchestratorRequest is { } orchestrator)
            {
                Trim(orchestrator);
            }

            return inner.WriteAsync(message);
        }
    }
}
