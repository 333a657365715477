using Hybrid.Aws.Bridge;
using Hybrid.Aws.TestServer;
using Hybrid.Durable.Executions;
using Hybrid.Host.Local;
using Hybrid.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Aws.Tests.Bridge;

/// <summary>
/// The real local host (<c>hybrid serve</c>) with the AWS bridge configured against the test server, on the in-memory
/// backend, with short poll intervals; workflows are written to a temporary folder.
/// </summary>
internal sealed class BridgeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private BridgeHost(WebApplication app, string folder)
    {
        _app = app;
        _folder = folder;
    }

    public IExecutionService Executions => _app.Services.GetRequiredService<IExecutionService>();

    public IServiceProvider Services => _app.Services;

    public static async Task<BridgeHost> StartAsync(AwsClientOptions clients, IReadOnlyDictionary<string, string> workflows, AwsBridgeOptions? bridge = null)
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-bridge-").FullName;
        foreach (var (name, definition) in workflows)
        {
            File.WriteAllText(Path.Combine(folder, name + ".asl.json"), definition);
        }

        var app = LocalHost.Build(new LocalHostOptions
        {
            Workflows = folder,
            Urls = $"http://127.0.0.1:{FreePorts.Next()}",
            Aws = new AwsHostOptions
            {
                Clients = clients,
                Bridge = bridge ?? new AwsBridgeOptions { FirstPollInterval = TimeSpan.FromSeconds(1), MaxPollInterval = TimeSpan.FromSeconds(2) },
            },
        });
        await app.StartAsync();
        return new BridgeHost(app, folder);
    }

    /// <summary>Waits (bounded) until the execution has left RUNNING.</summary>
    public async Task<ExecutionDescription> WaitAsync(string executionId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var description = await Executions.DescribeAsync(executionId, cts.Token);
            if (description is not null && description.Status != ExecutionStatus.Running)
            {
                return description;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    /// <summary>Waits (bounded) until the test server holds <paramref name="count"/> executions of the state machine.</summary>
    public static async Task<IReadOnlyList<SfnExecution>> ChildrenAsync(AwsTestServer server, string stateMachineArn, int count = 1)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var children = server.StepFunctions.Executions.Where(e => e.StateMachineArn == stateMachineArn).ToList();
            if (children.Count >= count)
            {
                return children;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
