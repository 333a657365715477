using Azure.Data.Tables;
using Hybrid.Durable.Rotation;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Hybrid.Identity.Audit;
using Hybrid.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions.Tests.Rotation;

/// <summary>The same rotation orchestration, started by the local host's ScheduleService instead of a Functions timer.</summary>
public sealed class LocalHostRotationTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task LocalHost_WithARotationSchedule_RunsTheRotationOnItAndAuditsIt()
    {
        var options = new LocalHostOptions
        {
            Workflows = RepoPaths.Combine("samples"),
            Urls = "http://127.0.0.1:0",
            Backend = new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage, ConnectionString = _azurite.ConnectionString, TaskHub = "LocalRotationHub", WorkerId = "rotation-tests" },
            Rotation = new RotationOptions { Schedule = "* * * * * *", DataProtection = true },
        };
        await using var app = LocalHost.Build(options);
        await app.StartAsync();
        var client = app.Services.GetRequiredService<DurableTaskClient>();

        var completed = await FirstCompletedRotationAsync(client, TimeSpan.FromMinutes(2));
        await app.StopAsync();

        var report = completed.ReadOutputAs<RotationReport>()!;
        Assert.Equal(RotationNames.RollDataProtectionKey, Assert.Single(report.Steps).Step);
        Assert.True(report.Succeeded);
        // The local host's own audit log ({TaskHub}Audit) records the rotation too.
        var audit = await new TableAuditLog(new TableClient(_azurite.ConnectionString, "LocalRotationHubAudit")).QueryByExecutionAsync(completed.InstanceId);
        Assert.Equal(AuditDecision.Allow, Assert.Single(audit).Decision);
    }

    [Fact]
    public void LocalHost_RotationOnTheInMemoryBackend_IsRefusedAtBuild()
    {
        var options = new LocalHostOptions { Workflows = RepoPaths.Combine("samples"), Rotation = new RotationOptions() };

        var e = Assert.Throws<ArgumentException>(() => LocalHost.Build(options));

        Assert.Contains("Azure Storage backend", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The schedule fires every second; the first rotation instance to complete is the one the test inspects.</summary>
    private static async Task<OrchestrationMetadata> FirstCompletedRotationAsync(DurableTaskClient client, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "key-rotation-", FetchInputsAndOutputs = true }).WithCancellation(deadline.Token))
            {
                if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
                {
                    return instance;
                }

                Assert.NotEqual(OrchestrationRuntimeStatus.Failed, instance.RuntimeStatus);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }
}
