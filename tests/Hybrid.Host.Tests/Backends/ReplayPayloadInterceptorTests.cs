using Grpc.Core;
using Hybrid.Host.Backends;
using P = Microsoft.DurableTask.Protobuf;

namespace Hybrid.Host.Tests.Backends;

/// <summary>The sidecar leaves replay-only inputs out of the orchestrator work items it sends, and nothing else.</summary>
public sealed class ReplayPayloadInterceptorTests
{
    [Fact]
    public void Trim_DropsPastScheduledInputs_KeepsEverythingElse()
    {
        var request = new P.OrchestratorRequest
        {
            InstanceId = "i",
            PastEvents =
            {
                new P.HistoryEvent { EventId = -1, ExecutionStarted = new P.ExecutionStartedEvent { Name = "o", Input = "\"start\"" } },
                new P.HistoryEvent { EventId = 0, TaskScheduled = new P.TaskScheduledEvent { Name = "a", Input = "\"task input\"" } },
                new P.HistoryEvent { EventId = 1, SubOrchestrationInstanceCreated = new P.SubOrchestrationInstanceCreatedEvent { Name = "c", InstanceId = "i:1", Input = "\"child input\"" } },
                new P.HistoryEvent { EventId = -1, TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = 0, Result = "\"task result\"" } },
                new P.HistoryEvent { EventId = -1, EventRaised = new P.EventRaisedEvent { Name = "e", Input = "\"event\"" } },
            },
            NewEvents = { new P.HistoryEvent { EventId = -1, SubOrchestrationInstanceCompleted = new P.SubOrchestrationInstanceCompletedEvent { TaskScheduledId = 1, Result = "\"child result\"" } } },
        };

        ReplayPayloadInterceptor.Trim(request);

        Assert.Null(request.PastEvents[1].TaskScheduled.Input);
        Assert.Equal("a", request.PastEvents[1].TaskScheduled.Name);
        Assert.Null(request.PastEvents[2].SubOrchestrationInstanceCreated.Input);
        Assert.Equal("i:1", request.PastEvents[2].SubOrchestrationInstanceCreated.InstanceId);
        Assert.Equal("\"start\"", request.PastEvents[0].ExecutionStarted.Input);
        Assert.Equal("\"task result\"", request.PastEvents[3].TaskCompleted.Result);
        Assert.Equal("\"event\"", request.PastEvents[4].EventRaised.Input);
        Assert.Equal("\"child result\"", request.NewEvents[0].SubOrchestrationInstanceCompleted.Result);
    }

    /// <summary>
    /// A worker written against the protocol itself: the second episode's request lists the activity it scheduled
    /// without the input, while the activity got the input, and the orchestration's own input is still there.
    /// </summary>
    [Fact]
    public async Task Sidecar_SecondEpisode_PastTaskHasNoInputButTheActivityGotIt()
    {
        await using var backend = await DurableBackend.StartNewAsync(new DurableBackendOptions());
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        var sidecar = new P.TaskHubSidecarService.TaskHubSidecarServiceClient(backend.Channel);
        using var stream = sidecar.GetWorkItems(new P.GetWorkItemsRequest(), cancellationToken: cts.Token);
        var input = "\"" + new string('x', 10_000) + "\"";
        await sidecar.StartInstanceAsync(new P.CreateInstanceRequest { InstanceId = "trim", Name = "o", Input = "\"start\"" }, cancellationToken: cts.Token);

        var first = await NextAsync(stream, cts.Token);
        await sidecar.CompleteOrchestratorTaskAsync(
            new P.OrchestratorResponse
            {
                InstanceId = "trim",
                CompletionToken = first.CompletionToken,
                Actions = { new P.OrchestratorAction { Id = 0, ScheduleTask = new P.ScheduleTaskAction { Name = "a", Input = input } } },
            },
            cancellationToken: cts.Token);

        var activity = await NextAsync(stream, cts.Token);
        Assert.Equal(input, activity.ActivityRequest.Input);
        await sidecar.CompleteActivityTaskAsync(
            new P.ActivityResponse { InstanceId = "trim", TaskId = activity.ActivityRequest.TaskId, Result = "\"done\"", CompletionToken = activity.CompletionToken },
            cancellationToken: cts.Token);

        var second = await NextAsync(stream, cts.Token);
        var past = second.OrchestratorRequest.PastEvents;
        var scheduled = Assert.Single(past, e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.TaskScheduled);
        Assert.Equal("a", scheduled.TaskScheduled.Name);
        Assert.Null(scheduled.TaskScheduled.Input);
        Assert.Equal("\"start\"", Assert.Single(past, e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.ExecutionStarted).ExecutionStarted.Input);
        Assert.Equal("\"done\"", Assert.Single(second.OrchestratorRequest.NewEvents, e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.TaskCompleted).TaskCompleted.Result);
    }

    private static async Task<P.WorkItem> NextAsync(AsyncServerStreamingCall<P.WorkItem> stream, CancellationToken cancellationToken)
    {
        while (await stream.ResponseStream.MoveNext(cancellationToken))
        {
            if (stream.ResponseStream.Current.RequestCase != P.WorkItem.RequestOneofCase.HealthPing)
            {
                return stream.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("The sidecar ended the work item stream.");
    }
}
