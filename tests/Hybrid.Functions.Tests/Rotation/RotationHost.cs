using Hybrid.Aws;
using Hybrid.Durable.Rotation;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Functions.Tests.Rotation;

/// <summary>
/// The durable runtime the rotation runs on in these tests: the local host's embedded backend on Azure Storage
/// (Azurite), with the rotation's tasks and services registered exactly as a host registers them.
/// </summary>
internal sealed class RotationHost : IAsyncDisposable
{
    private readonly IHost _host;

    private RotationHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public static async Task<RotationHost> StartAsync(string connectionString, RotationOptions options, AwsClientOptions aws)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHybridRotation(options, connectionString, aws);
        builder.Services.AddHybridDurableBackend(
            new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage, ConnectionString = connectionString, TaskHub = "RotationHub", WorkerId = "rotation-tests" },
            tasks => tasks.AddHybridRotationTasks());
        var host = builder.Build();
        await host.StartAsync();
        return new RotationHost(host);
    }

    /// <summary>Starts the rotation for an occurrence and waits for its report.</summary>
    public async Task<(string InstanceId, RotationReport Report)> RunAsync(RotationOptions options, DateTimeOffset occurrence)
    {
        var (id, started) = await KeyRotation.StartAsync(Client, options.ToRun(), occurrence);
        Assert.True(started);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var state = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        return (id, state.ReadOutputAs<RotationReport>()!);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
