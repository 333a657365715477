using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Durable.Executions;
using Hybrid.Testing;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// Crash recovery on Azurite: the host is killed with SIGKILL while one execution sits in a Wait state and another is in
/// the middle of a Map, then restarted with the same worker id. Both complete, no Task handler ran twice for the same
/// attempt, and the history is intact.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-crash-").FullName;
    private readonly int _port = FreePorts.Next();

    private string SideEffects => Path.Combine(_folder, "side-effects.txt");

    public Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder, "waiter.asl.json"), AslCrashHost.WaitWorkflow);
        File.WriteAllText(Path.Combine(_folder, "mapper.asl.json"), AslCrashHost.MapWorkflow);
        return _azurite.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KillDuringWaitAndMap_Restart_BothCompleteOnceWithIntactHistory()
    {
        // Generous: if the kill lands in an orchestration episode after all, Azure Storage redelivers that message only
        // when its visibility timeout (5 minutes) ends, and the executions must still complete.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

        // The executions run for a caller: every Task after the restart unseals and checks that caller's token again,
        // with the key ring the first process left in a blob container.
        var token = Hybrid.Identity.Development.DevelopmentIssuer.LoadOrCreate(_folder).Mint(new() { Subject = "crash-tester", Groups = ["admins"] });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var first = await StartHostAsync(timeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.PostAsync("/api/workflows/waiter/executions?name=w", Json("{}"), timeout.Token)).StatusCode);
        var items = string.Join(",", Enumerable.Range(0, 12));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.PostAsync("/api/workflows/mapper/executions?name=m", Json($$"""{"items":[{{items}}]}"""), timeout.Token)).StatusCode);

        // Kill once the Wait execution is in its Wait and the first three Map iterations are in theirs.
        while (!(Lines("w").Count == 1 && Lines("m").Count(l => l.Contains("|Start|", StringComparison.Ordinal)) == 3))
        {
            await Task.Delay(50, timeout.Token);
        }

        // Let the episodes that scheduled those timers finish, so that the kill finds nothing in flight (a loaded CI
        // machine can take seconds).
        await Task.Delay(TimeSpan.FromSeconds(4), timeout.Token);
        Assert.Equal("Nap", (await DescribeAsync(http, "waiter:w", timeout.Token))["currentState"]?.GetValue<string>());
        first.Kill();
        await first.DisposeAsync();

        await using var second = await StartHostAsync(timeout.Token);
        var waiter = await WaitAsync(http, "waiter:w", timeout.Token);
        var mapper = await WaitAsync(http, "mapper:m", timeout.Token);

        Assert.Equal(ExecutionStatus.Succeeded, waiter["status"]!.GetValue<string>());
        Assert.Equal(ExecutionStatus.Succeeded, mapper["status"]!.GetValue<string>());
        Assert.Equal(12, mapper["output"]!.AsArray().Count);

        // Every (execution, state, item, attempt) ran exactly once.
        var all = File.ReadAllLines(SideEffects);
        Assert.Equal(2 + 24, all.Length);
        Assert.Equal(all.Length, all.Distinct(StringComparer.Ordinal).Count());

        var waitHistory = await HistoryAsync(http, "waiter:w", timeout.Token);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "WaitStateEntered", "WaitStateExited",
             "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"],
            waitHistory);
        var mapHistory = await HistoryAsync(http, "mapper:m", timeout.Token);
        Assert.Equal(24, mapHistory.Count(t => t == "TaskSucceeded"));
        Assert.Equal(1, mapHistory.Count(t => t == "ExecutionStarted"));
        Assert.Equal("ExecutionSucceeded", mapHistory[^1]);
    }

    private Task<ChildHost> StartHostAsync(CancellationToken cancellation) => ChildHost.StartAsync(
        typeof(AslCrashHost).Assembly.Location,
        [AslCrashHost.Mode, _azurite.ConnectionString, "CrashHub", "crash-worker", SideEffects, _folder, $"http://127.0.0.1:{_port}"],
        AslCrashHost.ReadyLine,
        cancellation);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> DescribeAsync(HttpClient http, string id, CancellationToken cancellation) =>
        JsonNode.Parse(await http.GetStringAsync("/api/executions/" + id, cancellation))!.AsObject();

    private static async Task<JsonObject> WaitAsync(HttpClient http, string id, CancellationToken cancellation)
    {
        while (true)
        {
            var description = await DescribeAsync(http, id, cancellation);
            if (description["status"]!.GetValue<string>() != ExecutionStatus.Running)
            {
                return description;
            }

            await Task.Delay(200, cancellation);
        }
    }

    private static async Task<List<string>> HistoryAsync(HttpClient http, string id, CancellationToken cancellation) =>
        [.. JsonNode.Parse(await http.GetStringAsync($"/api/executions/{id}/history", cancellation))!["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>())];

    private List<string> Lines(string execution) =>
        File.Exists(SideEffects) ? [.. File.ReadAllLines(SideEffects).Where(l => l.StartsWith(execution + "|", StringComparison.Ordinal))] : [];
}
