using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Microsoft.DurableTask;

namespace Hybrid.Durable;

/// <summary>Registers Hybrid's orchestrators and activities under their Durable names, for any Durable Task worker.</summary>
public static class DurableRegistration
{
    public static DurableTaskRegistry AddHybridTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<AslOrchestrator>(DurableNames.Machine);
        registry.AddOrchestrator<AslBatchOrchestrator>(DurableNames.Batch);
        registry.AddOrchestrator<StopTasksOrchestrator>(DurableNames.StopTasks);
        registry.AddActivity<DispatchActivity>(DurableNames.Dispatch);
        registry.AddActivity<RecordHistoryActivity>(DurableNames.RecordHistory);
        registry.AddActivity<StopInstancesActivity>(DurableNames.StopInstances);
        return registry;
    }
}
