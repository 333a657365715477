using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hybrid.Asl.Running;
using Hybrid.Durable.History;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Hybrid.Identity.Development;
using Hybrid.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Host.Tests.Backends;

/// <summary>
/// <see cref="DurableBackendOptions.InMemoryRetention"/> on the real local host (in-memory backend, HTTP API): a closed
/// execution is purged with its branches, Map iterations and history once the retention has passed, while one still
/// running (its branch too) is never touched.
/// </summary>
public sealed class ClosedExecutionRetentionTests : IAsyncLifetime
{
    /// <summary>A Map of three iterations, then a Parallel of two branches: five child instances.</summary>
    private const string Fan = """
        {"StartAt":"Fan","States":{
          "Fan":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Item","States":{"Item":{"Type":"Pass","End":true}}},"ResultPath":"$.mapped","Next":"Both"},
          "Both":{"Type":"Parallel","Branches":[
            {"StartAt":"Left","States":{"Left":{"Type":"Pass","End":true}}},
            {"StartAt":"Right","States":{"Right":{"Type":"Pass","End":true}}}],"End":true}}}
        """;

    /// <summary>A Parallel whose one branch waits for its task token to come back.</summary>
    private const string Held = """
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","Branches":[
          {"StartAt":"Hold","States":{"Hold":{"Type":"Task","Resource":"arn:hybrid:hold.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}],"End":true}}}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-retention-").FullName;
    private readonly Channel<string> _heldTokens = Channel.CreateUnbounded<string>();
    private readonly WarningLog _log = new();
    private WebApplication? _app;
    private HttpClient _http = null!;

    private DurableTaskClient Client => _app!.Services.GetRequiredService<DurableTaskClient>();

    public Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder, "fan.asl.json"), Fan);
        File.WriteAllText(Path.Combine(_folder, "held.asl.json"), Held);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Retention_ClosedExecution_IsPurgedWithItsChildrenAndHistoryWhileARunningOneIsUntouched()
    {
        await StartHostAsync(TimeSpan.FromSeconds(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Started first, so it was created before the cutoff too; it waits in its branch until the test answers.
        Assert.Equal(HttpStatusCode.Accepted, (await StartAsync("held", "waiting")).StatusCode);
        var token = await _heldTokens.Reader.ReadAsync(timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, (await StartAsync("fan", "done", """{"items":[1,2,3]}""")).StatusCode);
        var done = await PollAsync("/api/executions/fan:done", r => r.StatusCode == HttpStatusCode.OK && Status(r) != "RUNNING", timeout.Token);
        var historyBefore = await _http.GetFromJsonAsync<JsonObject>("/api/executions/fan:done/history", timeout.Token);
        var childrenBefore = await InstancesAsync("fan:done~");

        var expired = await PollAsync("/api/executions/fan:done", r => r.StatusCode == HttpStatusCode.NotFound, timeout.Token);
        var history = await _http.GetAsync("/api/executions/fan:done/history", timeout.Token);
        var listed = await _http.GetFromJsonAsync<JsonObject>("/api/executions?workflow=fan", timeout.Token);
        var storedHistory = await _app!.Services.GetRequiredService<IExecutionHistoryStore>().ReadAsync("fan:done", timeout.Token);
        var waiting = await _http.GetFromJsonAsync<JsonObject>("/api/executions/held:waiting", timeout.Token);
        var waitingChildren = await InstancesAsync("held:waiting~");

        Assert.Equal("SUCCEEDED", Status(done));
        Assert.NotEmpty(historyBefore!["events"]!.AsArray());
        Assert.Equal(5, childrenBefore.Count);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, history.StatusCode);
        Assert.Empty(listed!["executions"]!.AsArray());
        Assert.Empty(await InstancesAsync("fan:done"));
        Assert.Empty(storedHistory);
        Assert.Equal("RUNNING", waiting!["status"]!.GetValue<string>());
        Assert.Equal([OrchestrationRuntimeStatus.Running], waitingChildren.Select(c => c.RuntimeStatus));

        // The expired execution's name is free again, as in Step Functions after its retention.
        Assert.Equal(HttpStatusCode.Accepted, (await StartAsync("fan", "done", """{"items":[]}""")).StatusCode);

        // The untouched execution still completes, and expires in its turn.
        var success = await _http.PostAsJsonAsync("/api/tasks/success", new JsonObject { ["taskToken"] = token, ["output"] = new JsonObject { ["ok"] = true } }, timeout.Token);
        var completed = await Client.WaitForInstanceCompletionAsync("held:waiting", getInputsAndOutputs: true, timeout.Token);
        var laterExpired = await PollAsync("/api/executions/held:waiting", r => r.StatusCode == HttpStatusCode.NotFound, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        Assert.Equal("SUCCEEDED", completed.ReadOutputAs<RunOutcome>()!.Status);
        Assert.Equal(HttpStatusCode.NotFound, laterExpired.StatusCode);
        Assert.Empty(await InstancesAsync("held:waiting"));

        // Stopping the host stops the retention before the backend, quietly.
        var retention = _app.Services.GetServices<IHostedService>().OfType<ClosedExecutionRetention>().Single();
        await _app.StopAsync(timeout.Token);
        Assert.True(retention.ExecuteTask!.IsCompletedSuccessfully);
        Assert.DoesNotContain(_log.Entries, e => e.Category.Contains(nameof(ClosedExecutionRetention), StringComparison.Ordinal) || e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Retention_Zero_KeepsClosedExecutions()
    {
        await StartHostAsync(TimeSpan.Zero);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await StartAsync("fan", "kept", """{"items":[1]}""");
        await PollAsync("/api/executions/fan:kept", r => r.StatusCode == HttpStatusCode.OK && Status(r) != "RUNNING", timeout.Token);
        var closed = await Client.GetInstanceAsync("fan:kept", timeout.Token);

        // Several times what a retention of a second would allow (its interval is 100 ms).
        await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
        var described = await _http.GetAsync("/api/executions/fan:kept", timeout.Token);
        var history = await _http.GetFromJsonAsync<JsonObject>("/api/executions/fan:kept/history", timeout.Token);

        Assert.Empty(_app!.Services.GetServices<IHostedService>().OfType<ClosedExecutionRetention>());
        Assert.True(closed!.LastUpdatedAt < DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        Assert.NotEmpty(history!["events"]!.AsArray());
        Assert.Equal(3, (await InstancesAsync("fan:kept~")).Count);
    }

    [Fact]
    public async Task PurgeExpired_ClosedExecutionWithAChildStillOpen_WaitsForItThenPurgesTheFamilyOnly()
    {
        await using var harness = await BackendHarness.StartAsync(new DurableBackendOptions { InMemoryRetention = TimeSpan.Zero }, tasks: registry =>
        {
            TestTasks.Register(registry);
            registry.AddOrchestratorFunc<string, string>(DurableNames.Machine, (_, input) => Task.FromResult(input));
        });
        var history = new InMemoryExecutionHistoryStore();
        var started = new InMemoryStartedTaskStore();
        var retention = new ClosedExecutionRetention(
            harness.Client, TimeSpan.FromMilliseconds(1), history, started, harness.Services.GetRequiredService<ILogger<ClosedExecutionRetention>>());
        var recorded = new StoredEvent("i", 0, DateTimeOffset.UtcNow, "ExecutionStarted", null);
        await history.AppendAsync("wf:root", [recorded]);
        await history.AppendAsync("wf:other", [recorded]);
        foreach (var execution in new[] { "wf:root", "wf:other" })
        {
            var poll = new DispatchRequest(execution, "wf", "Job", "arn:job.sync", null, 0, null, null, null, null, null, null, execution + "@0/0");
            await started.RecordAsync(execution, new StartedTask(execution, poll));
            await started.MarkStoppedAsync(execution, [new StopMark(execution, "States.Aborted", "stopped")]);
        }

        await harness.RunAsync(DurableNames.Machine, "child", "wf:root~0.0");
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "open", new StartOrchestrationOptions("wf:root~0.1"));
        await harness.WaitUntilAsync("wf:root~0.1", m => m.SerializedCustomStatus is not null);
        await harness.RunAsync(DurableNames.Machine, "root", "wf:root");
        await harness.RunAsync(nameof(SequenceOrchestrator), "x", "not-an-execution");

        var whileOpen = await retention.PurgeExpiredAsync(CancellationToken.None);
        var keptWhileOpen = await harness.Client.GetInstanceAsync("wf:root~0.0");
        await harness.Client.RaiseEventAsync("wf:root~0.1", TestTasks.ApprovalEvent, "yes");
        await harness.WaitUntilAsync("wf:root~0.1", m => m.IsCompleted);
        var afterwards = await retention.PurgeExpiredAsync(CancellationToken.None);

        Assert.Equal(0, whileOpen);
        Assert.NotNull(keptWhileOpen);
        Assert.Equal(1, afterwards);
        Assert.Null(await harness.Client.GetInstanceAsync("wf:root"));
        Assert.Null(await harness.Client.GetInstanceAsync("wf:root~0.0"));
        Assert.Null(await harness.Client.GetInstanceAsync("wf:root~0.1"));
        Assert.NotNull(await harness.Client.GetInstanceAsync("not-an-execution"));
        Assert.Empty(await history.ReadAsync("wf:root"));
        Assert.Single(await history.ReadAsync("wf:other"));
        Assert.Empty(await started.TasksAsync("wf:root"));
        Assert.Empty(await started.StoppedAsync("wf:root"));
        Assert.Single(await started.TasksAsync("wf:other"));
        Assert.Single(await started.StoppedAsync("wf:other"));
    }

    private static string? Status(HttpResponseMessage response) =>
        JsonNode.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult())!["status"]?.GetValue<string>();

    private async Task StartHostAsync(TimeSpan retention)
    {
        var port = FreePorts.Next();
        var options = new LocalHostOptions
        {
            Workflows = _folder,
            Urls = $"http://127.0.0.1:{port}",
            Identity = LocalHost.DevelopmentIdentity(_folder),
            Backend = new DurableBackendOptions { InMemoryRetention = retention },
        };
        var handlers = new TaskHandlerRegistry().Register("arn:hybrid:hold.waitForTaskToken", input =>
        {
            _heldTokens.Writer.TryWrite(input!["token"]!.GetValue<string>());
            return null;
        });
        _app = LocalHost.Build(options, builder =>
        {
            builder.Services.AddSingleton(handlers);
            builder.Logging.AddProvider(_log);
        });
        await _app.StartAsync();
        var token = DevelopmentIssuer.LoadOrCreate(_folder, TimeProvider.System).Mint(new() { Subject = "alice", Groups = ["admins"], Lifetime = TimeSpan.FromHours(1) });
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private Task<HttpResponseMessage> StartAsync(string workflow, string name, string input = "{}") =>
        _http.PostAsync($"/api/workflows/{workflow}/executions?name={name}", new StringContent(input, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Every instance on the backend whose id starts with <paramref name="prefix"/>.</summary>
    private async Task<List<OrchestrationMetadata>> InstancesAsync(string prefix)
    {
        var instances = new List<OrchestrationMetadata>();
        await foreach (var instance in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }))
        {
            instances.Add(instance);
        }

        return instances;
    }

    private async Task<HttpResponseMessage> PollAsync(string url, Func<HttpResponseMessage, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await _http.GetAsync(url, cancellationToken);
            if (done(response))
            {
                return response;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The host's warnings and errors, with their category.</summary>
    private sealed class WarningLog : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(WarningLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log.Entries.Enqueue((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
