using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Durable.Tests;

/// <summary>A real Durable Task host for tests: the embedded sidecar on a backend, Hybrid's tasks, and the execution service.</summary>
internal sealed class DurableHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableHost(IHost host)
    {
        _host = host;
    }

    public IServiceProvider Services => _host.Services;

    public IExecutionService Executions => Services.GetRequiredService<IExecutionService>();

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public static async Task<DurableHost> StartAsync(
        IWorkflowRegistry workflows,
        Action<TaskHandlerRegistry>? handlers = null,
        DurableBackendOptions? backend = null,
        Action<IServiceCollection>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var registry = new TaskHandlerRegistry();
        handlers?.Invoke(registry);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(workflows);
        configure?.Invoke(builder.Services);
        builder.Services.AddHybridExecutions();
        builder.Services.AddHybridDurableBackend(backend ?? new DurableBackendOptions(), tasks => tasks.AddHybridTasks());
        var host = builder.Build();
        await host.StartAsync();
        return new DurableHost(host);
    }

    /// <summary>Waits (bounded) until the execution has finished and returns its description.</summary>
    public async Task<ExecutionDescription> WaitAsync(string executionId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await Client.WaitForInstanceCompletionAsync(executionId, getInputsAndOutputs: false, cts.Token);
        return (await Executions.DescribeAsync(executionId))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Answers Task states from per-execution mocks before any handler runs.</summary>
internal sealed class MockMiddleware : IDispatchMiddleware
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, MockedTaskResponses> _mocks = new(StringComparer.Ordinal);

    public void Add(string executionId, MockedTaskResponses mocks) => _mocks[executionId] = mocks;

    public ValueTask<System.Text.Json.Nodes.JsonNode?> InvokeAsync(DispatchContext context, Func<ValueTask<System.Text.Json.Nodes.JsonNode?>> next, CancellationToken cancellationToken) =>
        _mocks.TryGetValue(context.Request.ExecutionId, out var mocks) && mocks.Handles(context.Request.StateName)
            ? Answer(context, mocks)
            : next();

    private static ValueTask<System.Text.Json.Nodes.JsonNode?> Answer(DispatchContext context, MockedTaskResponses mocks)
    {
        context.CompletesTask = true;
        return ValueTask.FromResult(mocks.Answer(context.Request.StateName));
    }
}
