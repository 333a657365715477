using DurableTask.Core;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Testing.Sidecar;

namespace Hybrid.Host.Tests.Backends;

/// <summary>
/// The innermost service of the decorator tests: records what reaches it instead of storing it, and answers instance
/// reads from a script.
/// </summary>
internal sealed class RecordingService(IOrchestrationService? inner = null) : OrchestrationServiceDecorator(inner ?? new InMemoryOrchestrationService())
{
    private int _renewals;

    private readonly Queue<OrchestrationStatus?> _states = new();

    public int Stops { get; private set; }

    public int Renewals => Volatile.Read(ref _renewals);

    public int StateReads { get; private set; }

    public OrchestrationRuntimeState? CompletedState { get; private set; }

    public IList<TaskMessage>? CompletedOrchestratorMessages { get; private set; }

    public OrchestrationState? CompletedStatus { get; private set; }

    public TaskMessage? Created { get; private set; }

    /// <summary>Instance reads answer these statuses in turn (null: no such instance), then repeat the last one.</summary>
    public void Script(params OrchestrationStatus?[] states)
    {
        foreach (var state in states)
        {
            _states.Enqueue(state);
        }
    }

    public override Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        CompletedState = newOrchestrationRuntimeState;
        CompletedOrchestratorMessages = orchestratorMessages;
        CompletedStatus = orchestrationState;
        return Task.CompletedTask;
    }

    public override Task CreateTaskOrchestrationAsync(TaskMessage creationMessage)
    {
        Created = creationMessage;
        return Task.CompletedTask;
    }

    public override Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId)
    {
        StateReads++;
        var status = _states.Count > 1 ? _states.Dequeue() : _states.Peek();
        return Task.FromResult(status is null
            ? null!
            : new OrchestrationState { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, OrchestrationStatus = status.Value });
    }

    public override Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem)
    {
        Interlocked.Increment(ref _renewals);
        return base.RenewTaskActivityWorkItemLockAsync(workItem);
    }

    protected override Task StopCoreAsync(bool isForced)
    {
        Stops++;
        return Task.CompletedTask;
    }
}
