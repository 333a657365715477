using System.Globalization;
using Hybrid.Host.Backends;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Benchmarks.Backends;

/// <summary>The measured workload: one orchestration of five sequential activities.</summary>
internal sealed class FiveStepOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var value = input;
        for (var i = 0; i < 5; i++)
        {
            value = await context.CallActivityAsync<int>(nameof(IncrementActivity), value);
        }

        return value;
    }
}

internal sealed class IncrementActivity : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input + 1);
}

/// <summary>A host wired by <see cref="DurableBackendServiceCollectionExtensions.AddHybridDurableBackend"/>, as the product wires it.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly IHost _host;

    private BenchHost(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    public static DurableBackendOptions Options(DurableBackendKind backend, string? connectionString, string taskHub) => new()
    {
        Backend = backend,
        ConnectionString = connectionString ?? DurableBackendOptions.DevelopmentStorage,
        TaskHub = taskHub,
        WorkerId = "bench",
    };

    public static async Task<BenchHost> StartAsync(DurableBackendOptions options)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHybridDurableBackend(options, registry =>
        {
            registry.AddOrchestrator<FiveStepOrchestrator>();
            registry.AddActivity<IncrementActivity>();
        });
        var host = builder.Build();
        using var cts = new CancellationTokenSource(Patience);
        await host.StartAsync(cts.Token);
        return new BenchHost(host);
    }

    /// <summary>Runs one five-step orchestration and waits for it as a client would.</summary>
    public async Task RunOneAsync(int input)
    {
        using var cts = new CancellationTokenSource(Patience);
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FiveStepOrchestrator), input, cts.Token);
        var result = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed || result.ReadOutputAs<int>() != input + 5)
        {
            throw new InvalidOperationException(
                $"Orchestration {id} ended {result.RuntimeStatus} with {result.SerializedOutput}, not {(input + 5).ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Patience);
        await _host.StopAsync(cts.Token);
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
