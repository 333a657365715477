using System.Net;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hybrid.Host.Tests.Backends;

public sealed class DurableBackendTests
{
    [Fact]
    public async Task StartNew_InMemory_ListensOnLoopbackAndServesAWorkerWiredByHand()
    {
        await using var backend = await DurableBackend.StartNewAsync(new DurableBackendOptions());
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDurableTaskWorker(b => b.UseGrpc(backend.Channel).AddTasks(TestTasks.Register));
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(backend.Channel).RegisterDirectly());
        using var host = builder.Build();
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        await host.StartAsync(cts.Token);
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SequenceOrchestrator), "m", cts.Token);
            var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

            Assert.Equal("m01234", result.ReadOutputAs<string>());
            Assert.Equal(IPAddress.Loopback.ToString(), backend.Address.Host);
            Assert.Equal("http", backend.Address.Scheme);
            Assert.NotEqual(0, backend.Address.Port);
        }
        finally
        {
            await host.StopAsync(cts.Token);
        }
    }

    /// <summary>The first sample of docs/backends.md, on the in-memory backend: keep the two in step.</summary>
    [Fact]
    public async Task DocsSample_AddHybridDurableBackend_RunsAnOrchestration()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHybridDurableBackend(
            new DurableBackendOptions
            {
                Backend = DurableBackendKind.InMemory,
                ConnectionString = "UseDevelopmentStorage=true",
                TaskHub = "HybridLocal",
                WorkerId = "laptop-1",
            },
            tasks =>
            {
                tasks.AddOrchestrator<SequenceOrchestrator>();
                tasks.AddActivity<AppendActivity>();
            });
        using var host = builder.Build();
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        await host.StartAsync(cts.Token);
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SequenceOrchestrator), "d", cts.Token);
            var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

            Assert.Equal("d01234", result.ReadOutputAs<string>());
        }
        finally
        {
            await host.StopAsync(cts.Token);
        }
    }

    /// <summary>JSON text inside a message's strings keeps its quotes as <c>\"</c>, not <c>\u0022</c>, on the worker and the client.</summary>
    [Fact]
    public void AddHybridDurableBackend_WorkerAndClient_ShareTheRelaxedConverter()
    {
        var services = new ServiceCollection();
        services.AddHybridDurableBackend(new DurableBackendOptions(), TestTasks.Register);
        using var provider = services.BuildServiceProvider();

        var worker = provider.GetRequiredService<IOptionsMonitor<DurableTaskWorkerOptions>>().Get(Options.DefaultName).DataConverter;
        var client = provider.GetRequiredService<IOptionsMonitor<DurableTaskClientOptions>>().Get(Options.DefaultName).DataConverter;

        Assert.Same(DurableBackendServiceCollectionExtensions.Converter, worker);
        Assert.Same(worker, client);
        Assert.Equal("""{"Text":"{\"a\":\"é+<\"}","Index":1}""", worker.Serialize(new AppendInput("""{"a":"é+<"}""", 1)));
    }

    [Fact]
    public void AddHybridDurableBackend_WithTheHostsOwnConverter_KeepsIt()
    {
        var services = new ServiceCollection();
        var own = new Microsoft.DurableTask.Converters.JsonDataConverter();
        services.AddSingleton<Microsoft.DurableTask.DataConverter>(own);
        services.AddHybridDurableBackend(new DurableBackendOptions(), TestTasks.Register);
        using var provider = services.BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<IOptionsMonitor<DurableTaskWorkerOptions>>().Get(Options.DefaultName).DataConverter);
        Assert.Same(own, provider.GetRequiredService<IOptionsMonitor<DurableTaskClientOptions>>().Get(Options.DefaultName).DataConverter);
    }

    [Fact]
    public async Task Start_Twice_Throws()
    {
        await using var backend = await DurableBackend.StartNewAsync(new DurableBackendOptions());

        await Assert.ThrowsAsync<InvalidOperationException>(() => backend.StartAsync());
    }

    [Fact]
    public async Task Stop_Stopped_ChannelAndAddressThrow()
    {
        var backend = await DurableBackend.StartNewAsync(new DurableBackendOptions());

        await backend.DisposeAsync();

        Assert.Throws<InvalidOperationException>(() => backend.Channel);
        Assert.Throws<InvalidOperationException>(() => backend.Address);
        await backend.StopAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => backend.StartAsync());
    }

    [Fact]
    public void Channel_NotStarted_Throws()
    {
        using var backend = new DurableBackend(new DurableBackendOptions());

        Assert.Throws<InvalidOperationException>(() => backend.Channel);
        Assert.Throws<InvalidOperationException>(() => backend.Address);
    }

    [Fact]
    public async Task Stop_ActivityNeverEnds_HostStopsWithinItsBound()
    {
        using var gate = new BlockingActivity.Gate();
        var options = new DurableBackendOptions { ShutdownTimeout = TimeSpan.FromSeconds(1) };
        var harness = await BackendHarness.StartAsync(options, services => services.AddSingleton(gate));
        var service = harness.Backend.Service;
        using var cts = new CancellationTokenSource(BackendHarness.Patience);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BlockingOrchestrator), "stuck", cts.Token);
        await gate.Entered.Task.WaitAsync(cts.Token);

        // Bounded by the test's patience, not by the sidecar's 60 minutes: DisposeAsync stops the host first.
        await harness.DisposeAsync().AsTask().WaitAsync(cts.Token);

        Assert.False(service.IsStarted);
        Assert.Throws<InvalidOperationException>(() => harness.Backend.Channel);
    }

    [Fact]
    public async Task AddHybridDurableBackend_WorkerConnected_ResolvesOneRunningBackend()
    {
        await using var harness = await BackendHarness.StartAsync(new DurableBackendOptions());
        await harness.RunAsync(nameof(SequenceOrchestrator), "");

        Assert.Same(harness.Backend, harness.Services.GetRequiredService<DurableBackend>());
        Assert.True(harness.Backend.Service.IsStarted);
        var limits = Assert.IsType<ConcurrencyLimitsDecorator>(harness.Backend.Service);
        Assert.Equal((100, 100), (limits.OrchestrationLimit, limits.ActivityLimit));
    }
}
