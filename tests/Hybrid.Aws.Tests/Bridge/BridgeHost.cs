using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hybrid.Aws.Bridge;
using Hybrid.Aws.TestServer;
using Hybrid.Durable.Executions;
using Hybrid.Host.Local;
using Hybrid.Identity.Development;
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

    private BridgeHost(WebApplication app, string folder, HttpClient http)
    {
        _app = app;
        _folder = folder;
        Http = http;
    }

    /// <summary>The host's HTTP API, as the caller <see cref="Subject"/> (a development-issuer token of group admins).</summary>
    public HttpClient Http { get; }

    public const string Subject = "alice@example.com";

    public IExecutionService Executions => _app.Services.GetRequiredService<IExecutionService>();

    public IServiceProvider Services => _app.Services;

    public static async Task<BridgeHost> StartAsync(AwsClientOptions clients, IReadOnlyDictionary<string, string> workflows, AwsBridgeOptions? bridge = null)
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-bridge-").FullName;
        foreach (var (name, definition) in workflows)
        {
            File.WriteAllText(Path.Combine(folder, name + ".asl.json"), definition);
        }

        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var app = LocalHost.Build(new LocalHostOptions
        {
            Workflows = folder,
            Urls = url,
            Identity = LocalHost.DevelopmentIdentity(folder),
            Aws = new AwsHostOptions
            {
                Clients = clients,
                Bridge = bridge ?? new AwsBridgeOptions { FirstPollInterval = TimeSpan.FromSeconds(1), MaxPollInterval = TimeSpan.FromSeconds(2) },
            },
        });
        await app.StartAsync();
        var token = DevelopmentIssuer.LoadOrCreate(folder).Mint(new() { Subject = Subject, Groups = ["admins"] });
        var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BridgeHost(app, folder, http);
    }

    /// <summary>Starts an execution through the HTTP API, as the caller; returns its id.</summary>
    public async Task<string> StartAsync(string workflow, string name, string input = "{}")
    {
        var response = await Http.PostAsync($"/api/workflows/{workflow}/executions?name={name}", new StringContent(input, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return $"{workflow}:{name}";
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
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
