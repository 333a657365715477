using DurableTask.Core;
using DurableTask.Core.History;

namespace Hybrid.Host.Backends;

/// <summary>
/// Workaround for a defect of the preview sidecar (Microsoft.DurableTask.InProcessTestHost 0.2.3-preview.1): it hands the
/// tags of a new sub-orchestration to the backend as the protobuf <c>MapField</c> it received over gRPC. Azure Storage
/// serializes queue messages with their type names, cannot read a <c>MapField</c> back, retries the message forever, and
/// the parent orchestration hangs. Before a checkpoint (and before any message is sent) this decorator copies every tag
/// collection that is not a plain <see cref="Dictionary{TKey, TValue}"/> into one.
/// </summary>
internal sealed class SubOrchestrationTagsDecorator(IOrchestrationService inner) : OrchestrationServiceDecorator(inner)
{
    public override Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        Normalize(outboundMessages);
        Normalize(orchestratorMessages);
        Normalize(timerMessages);
        if (continuedAsNewMessage is not null)
        {
            Normalize(continuedAsNewMessage.Event);
        }

        if (newOrchestrationRuntimeState is not null)
        {
            foreach (var historyEvent in newOrchestrationRuntimeState.NewEvents)
            {
                Normalize(historyEvent);
            }
        }

        if (orchestrationState is not null)
        {
            orchestrationState.Tags = ToDictionary(orchestrationState.Tags);
        }

        return base.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState!, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage!, orchestrationState!);
    }

    public override Task CreateTaskOrchestrationAsync(TaskMessage creationMessage)
    {
        Normalize(creationMessage?.Event);
        return base.CreateTaskOrchestrationAsync(creationMessage!);
    }

    public override Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)
    {
        Normalize(creationMessage?.Event);
        return base.CreateTaskOrchestrationAsync(creationMessage!, dedupeStatuses);
    }

    /// <summary>Replaces, in place, the tags of the events that carry them.</summary>
    internal static void Normalize(HistoryEvent? historyEvent)
    {
        switch (historyEvent)
        {
            case ExecutionStartedEvent started:
                started.Tags = ToDictionary(started.Tags);
                break;
            case SubOrchestrationInstanceCreatedEvent created:
                created.Tags = ToDictionary(created.Tags);
                break;
            case TaskScheduledEvent scheduled:
                scheduled.Tags = ToDictionary(scheduled.Tags);
                break;
            default:
                break;
        }
    }

    private static void Normalize(IList<TaskMessage>? messages)
    {
        if (messages is null)
        {
            return;
        }

        foreach (var message in messages)
        {
            Normalize(message?.Event);
        }
    }

    private static IDictionary<string, string> ToDictionary(IDictionary<string, string>? tags) =>
        tags is null || tags.GetType() == typeof(Dictionary<string, string>)
            ? tags!
            : new Dictionary<string, string>(tags, StringComparer.Ordinal);
}
