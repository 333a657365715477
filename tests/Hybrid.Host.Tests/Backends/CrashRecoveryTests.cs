using Hybrid.Host.Backends;
using Hybrid.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Host.Tests.Backends;

/// <summary>
/// A host on Azurite is killed with SIGKILL while an orchestration sits in a durable timer, and started again with the
/// same worker id: the orchestration completes, and every activity ran exactly once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashRecoveryTests(AzuriteFixture azurite) : IDisposable
{
    private const int TimerSeconds = 10;
    private readonly string _sideEffects = Path.Combine(Path.GetTempPath(), "hybrid-crash-" + Guid.NewGuid().ToString("N") + ".log");

    [Fact]
    public async Task KilledHost_RestartedWithSameWorkerId_CompletesWithEachActivityOnce()
    {
        var taskHub = AzuriteCollection.NewTaskHub("crash");
        const string workerId = "crash-worker";

        // The test's own view of the task hub: a sidecar with a client and no worker, so it never dispatches work itself.
        await using var observer = await DurableBackend.StartNewAsync(new DurableBackendOptions
        {
            Backend = DurableBackendKind.AzureStorage,
            ConnectionString = azurite.ConnectionString,
            TaskHub = taskHub,
            WorkerId = "observer",
        });
        await using var clients = new ServiceCollection()
            .AddLogging()
            .AddDurableTaskClient(b =>
            {
                b.UseGrpc(observer.Channel);
                b.RegisterDirectly();
            })
            .BuildServiceProvider();
        var client = clients.GetRequiredService<DurableTaskClient>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        string instanceId;
        await using (var first = await StartHostAsync(azurite.ConnectionString, taskHub, workerId, _sideEffects, cts.Token))
        {
            instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(CrashOrchestrator), TimerSeconds, cts.Token);
            await WaitForTimerAsync(client, instanceId, first, cts.Token);

            first.Kill();
        }

        var afterKill = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Running, afterKill!.RuntimeStatus);
        Assert.Equal(["before-timer"], SideEffectLog.Read(_sideEffects));

        await using (var second = await StartHostAsync(azurite.ConnectionString, taskHub, workerId, _sideEffects, cts.Token))
        {
            OrchestrationMetadata result;
            try
            {
                result = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new TimeoutException($"The orchestration did not complete after the restart.\n{second.Output}", e);
            }

            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal("done", result.ReadOutputAs<string>());
        }

        Assert.Equal(["before-timer", "after-timer-1", "after-timer-2"], SideEffectLog.Read(_sideEffects));
    }

    public void Dispose() => File.Delete(_sideEffects);

    private static async Task WaitForTimerAsync(DurableTaskClient client, string instanceId, ChildHost host, CancellationToken cancellation)
    {
        while (true)
        {
            var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellation);
            if (metadata?.ReadCustomStatusAs<string>() == CrashTasks.TimerStatus)
            {
                return;
            }

            if (host.HasExited)
            {
                throw new InvalidOperationException($"The host exited before the orchestration reached its timer.\n{host.Output}");
            }

            await Task.Delay(100, cancellation);
        }
    }

    private static Task<ChildHost> StartHostAsync(string connectionString, string taskHub, string workerId, string sideEffects, CancellationToken cancellation) =>
        ChildHost.StartAsync(typeof(CrashHostProgram).Assembly.Location, [CrashHostProgram.Mode, connectionString, taskHub, workerId, sideEffects], CrashHostProgram.ReadyLine, cancellation);
}
