using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Hybrid.Durable.Rotation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions;

/// <summary>
/// The orchestrations and activities of <c>Hybrid.Durable</c> as Functions triggers: thin wrappers of the kind the
/// Durable Task source generator would write, which is not served here. Wrappers rather than
/// <c>ConfigureDurableWorker().AddTasks(...)</c> because a wrapper is a <c>[Function]</c> that the SDK writes into
/// <c>functions.metadata</c> at build time, so a test can check every name and binding without a Functions host; the
/// registry route only adds its trigger metadata when a real host starts. No workflow logic lives here: each wrapper
/// hands the trigger's context and input to the same class the local host registers with <c>AddHybridTasks</c> (and
/// <c>AddHybridRotationTasks</c>).
/// </summary>
public static class DurableFunctions
{
    private static readonly AslOrchestrator Machine = new();
    private static readonly AslBatchOrchestrator Batch = new();
    private static readonly KeyRotationOrchestrator Rotation = new();
    private static readonly StopTasksOrchestrator Stops = new();

    [Function(DurableNames.Machine)]
    public static Task<RunOutcome?> RunMachine([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Machine.RunAsync(context, context.GetInput<MachineRun>()!);
    }

    [Function(DurableNames.Batch)]
    public static Task<BatchOutcome> RunBatch([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Batch.RunAsync(context, context.GetInput<BatchRun>()!);
    }

    [Function(DurableNames.StopTasks)]
    public static Task<IReadOnlyList<DispatchResult>> StopTasks([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Stops.RunAsync(context, context.GetInput<IReadOnlyList<DispatchRequest>>()!);
    }

    [Function(DurableNames.Dispatch)]
    public static Task<DispatchResult> Dispatch([ActivityTrigger] DispatchRequest input, string instanceId, FunctionContext function) =>
        Activity<DispatchActivity>(function).RunAsync(new FunctionActivityContext(DurableNames.Dispatch, instanceId), input);

    [Function(DurableNames.RecordHistory)]
    public static Task<bool> RecordHistory([ActivityTrigger] HistoryBatch input, string instanceId, FunctionContext function) =>
        Activity<RecordHistoryActivity>(function).RunAsync(new FunctionActivityContext(DurableNames.RecordHistory, instanceId), input);

    [Function(DurableNames.StopInstances)]
    public static Task<bool> StopInstances([ActivityTrigger] StopInstancesRequest input, string instanceId, [DurableClient] DurableTaskClient client, FunctionContext function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return ActivatorUtilities.CreateInstance<StopInstancesActivity>(function.InstanceServices, client)
            .RunAsync(new FunctionActivityContext(DurableNames.StopInstances, instanceId), input);
    }

    [Function(RotationNames.Orchestration)]
    public static Task<RotationReport> RunKeyRotation([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Rotation.RunAsync(context, context.GetInput<RotationRun>()!);
    }

    [Function(RotationNames.RollDataProtectionKey)]
    public static Task<RotationStepResult> RollDataProtectionKey([ActivityTrigger] RotationStep input, string instanceId, FunctionContext function) =>
        Activity<RollDataProtectionKeyActivity>(function).RunAsync(new FunctionActivityContext(RotationNames.RollDataProtectionKey, instanceId), input);

    [Function(RotationNames.RotatePingSecret)]
    public static Task<RotationStepResult> RotatePingSecret([ActivityTrigger] RotationStep input, string instanceId, FunctionContext function) =>
        Activity<RotatePingSecretActivity>(function).RunAsync(new FunctionActivityContext(RotationNames.RotatePingSecret, instanceId), input);

    [Function(RotationNames.SwitchAwsKey)]
    public static Task<AwsKeySwitch> SwitchAwsKey([ActivityTrigger] RotationStep input, string instanceId, FunctionContext function) =>
        Activity<SwitchAwsKeyActivity>(function).RunAsync(new FunctionActivityContext(RotationNames.SwitchAwsKey, instanceId), input);

    [Function(RotationNames.DeactivateAwsKey)]
    public static Task<RotationStepResult> DeactivateAwsKey([ActivityTrigger] RotationStep input, string instanceId, FunctionContext function) =>
        Activity<DeactivateAwsKeyActivity>(function).RunAsync(new FunctionActivityContext(RotationNames.DeactivateAwsKey, instanceId), input);

    [Function(RotationNames.DeleteAwsKey)]
    public static Task<RotationStepResult> DeleteAwsKey([ActivityTrigger] RotationStep input, string instanceId, FunctionContext function) =>
        Activity<DeleteAwsKeyActivity>(function).RunAsync(new FunctionActivityContext(RotationNames.DeleteAwsKey, instanceId), input);

    /// <summary>The activity as the local host's worker would make it: from the container, with its dependencies.</summary>
    internal static T Activity<T>(FunctionContext function)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(function);
        return ActivatorUtilities.GetServiceOrCreateInstance<T>(function.InstanceServices);
    }

    /// <summary>What a Durable worker hands an activity: its name and the calling instance.</summary>
    internal sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
