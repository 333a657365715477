using DurableTask.Core;
using DurableTask.Core.History;

namespace Hybrid.Host.Backends;

/// <summary>
/// Workaround for a defect of the preview sidecar (Microsoft.DurableTask.InProcessTestHost 0.2.3-preview.1): it records a
/// created sub-orchestration in the parent's history with its own subclass of
/// <see cref="SubOrchestrationInstanceCreatedEvent"/> (which adds a trace context). Azure Storage writes that subclass as a
/// history row without an <c>EventType</c> column, and every later replay of the parent fails to load its history. Before
/// the checkpoint this decorator swaps each such event for a plain DurableTask.Core event with the same fields, in every
/// list of the runtime state that holds it. Only the trace context is dropped, which Azure Storage would not keep anyway.
/// </summary>
internal sealed class SubOrchestrationCreatedEventDecorator(IOrchestrationService inner) : OrchestrationServiceDecorator(inner)
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
        if (newOrchestrationRuntimeState is not null)
        {
            ReplaceDerivedEvents(newOrchestrationRuntimeState);
        }

        if (workItem?.OrchestrationRuntimeState is { } current && !ReferenceEquals(current, newOrchestrationRuntimeState))
        {
            ReplaceDerivedEvents(current);
        }

        return base.CompleteTaskOrchestrationWorkItemAsync(
            workItem!, newOrchestrationRuntimeState!, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    /// <summary>Swaps the derived events of <paramref name="state"/> for plain ones; returns how many it swapped.</summary>
    internal static int ReplaceDerivedEvents(OrchestrationRuntimeState state)
    {
        Dictionary<HistoryEvent, HistoryEvent>? swapped = null;
        Replace(state.Events, ref swapped);
        Replace(state.NewEvents, ref swapped);
        Replace(state.PastEvents, ref swapped);
        return swapped?.Count ?? 0;
    }

    /// <summary>A plain copy of <paramref name="created"/>, or the event itself when it is plain already.</summary>
    internal static SubOrchestrationInstanceCreatedEvent ToPlain(SubOrchestrationInstanceCreatedEvent created) =>
        created.GetType() == typeof(SubOrchestrationInstanceCreatedEvent)
            ? created
            : new SubOrchestrationInstanceCreatedEvent(created.EventId)
            {
                Timestamp = created.Timestamp,
                IsPlayed = created.IsPlayed,
                ExtensionData = created.ExtensionData,
                Name = created.Name,
                Version = created.Version,
                InstanceId = created.InstanceId,
                Input = created.Input,
                ClientSpanId = created.ClientSpanId,
                Tags = created.Tags,
            };

    private static void Replace(IList<HistoryEvent>? events, ref Dictionary<HistoryEvent, HistoryEvent>? swapped)
    {
        if (events is null || events.IsReadOnly)
        {
            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not SubOrchestrationInstanceCreatedEvent created || created.GetType() == typeof(SubOrchestrationInstanceCreatedEvent))
            {
                continue;
            }

            swapped ??= new Dictionary<HistoryEvent, HistoryEvent>(ReferenceEqualityComparer.Instance);
            if (!swapped.TryGetValue(created, out var plain))
            {
                plain = ToPlain(created);
                swapped.Add(created, plain);
            }

            events[i] = plain;
        }
    }
}
