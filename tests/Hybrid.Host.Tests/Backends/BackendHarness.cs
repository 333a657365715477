using Hybrid.Host.Backends;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Host.Tests.Backends;

/// <summary>A host wired by <see cref="DurableBackendServiceCollectionExtensions.AddHybridDurableBackend"/>, started and stopped per test.</summary>
internal sealed class BackendHarness : IAsyncDisposable
{
    /// <summary>The bound on every wait of a test: generous, because two cores are shared with other builds.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly IHost _host;

    private BackendHarness(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Backend = host.Services.GetRequiredService<DurableBackend>();
    }

    public DurableTaskClient Client { get; }

    public DurableBackend Backend { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<BackendHarness> StartAsync(
        DurableBackendOptions options, Action<IServiceCollection>? services = null, Action<DurableTaskRegistry>? tasks = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        services?.Invoke(builder.Services);
        builder.Services.AddHybridDurableBackend(options, tasks ?? TestTasks.Register);
        var host = builder.Build();
        try
        {
            using var cts = new CancellationTokenSource(Patience);
            await host.StartAsync(cts.Token);
            return new BackendHarness(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Schedules <paramref name="orchestrator"/> and waits (bounded) for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input, string? instanceId = null)
    {
        using var cts = new CancellationTokenSource(Patience);
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(
            orchestrator, input, new StartOrchestrationOptions(instanceId), cts.Token);
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    /// <summary>Polls the instance (bounded) until <paramref name="condition"/> holds.</summary>
    public async Task<OrchestrationMetadata> WaitUntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (true)
        {
            var metadata = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cts.Token);
            if (metadata is not null && condition(metadata))
            {
                return metadata;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Patience);
        try
        {
            await _host.StopAsync(cts.Token);
        }
        finally
        {
            if (_host is IAsyncDisposable asyncHost)
            {
                await asyncHost.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
    }
}
