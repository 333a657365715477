using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Testing;

namespace Hybrid.Aws.Tests.Bridge;

/// <summary>
/// Crash recovery of a <c>.sync:2</c> task on Azurite: the host is killed with SIGKILL while it polls the child, and
/// restarted with the same worker id. The parent completes with the child's output, and AWS holds exactly one child.
/// </summary>
public sealed class BridgeCrashTests(AwsServerFixture fixture) : AwsServerTest(fixture), IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-bridge-crash-").FullName;
    private readonly int _port = FreePorts.Next();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KillWhilePolling_Restart_CompletesWithExactlyOneAwsExecution()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var machine = Server.StepFunctions.AddStateMachine(Unique("crash-child"));
        File.WriteAllText(Path.Combine(_folder, "parent.asl.json"), $$$$"""
            {"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
              "Parameters":{"StateMachineArn":"{{{{machine}}}}","Input":{"n.$":"$.n"}},"End":true}}}
            """);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

        // The execution runs for a caller: after the restart, every poll unseals and checks that caller's token again.
        var token = Hybrid.Identity.Development.DevelopmentIssuer.LoadOrCreate(_folder).Mint(new() { Subject = "crash-tester", Groups = ["admins"] });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var first = await StartHostAsync(timeout.Token);
        var start = await http.PostAsync("/api/workflows/parent/executions?name=c1", new StringContent("""{"n":42}""", Encoding.UTF8, "application/json"), timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);

        // Kill once the host has polled the running child twice: the task then waits on a durable timer.
        var child = Assert.Single(await BridgeHost.ChildrenAsync(Server, machine));
        while (Server.Requests.Count(r => r.Operation == "DescribeExecution" && r.Input?["executionArn"]?.GetValue<string>() == child.Arn) < 2)
        {
            await Task.Delay(50, timeout.Token);
        }

        // Let the episode that scheduled the next (8-second) timer finish, so that the kill finds no message in flight:
        // Azure Storage would redeliver one only when its 5-minute visibility timeout ends.
        await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
        first.Kill();
        await first.DisposeAsync();
        Server.StepFunctions.Succeed(child.Arn, """{"done":true}""");

        await using var second = await StartHostAsync(timeout.Token);
        JsonObject description;
        while (true)
        {
            description = JsonNode.Parse(await http.GetStringAsync("/api/executions/parent:c1", timeout.Token))!.AsObject();
            if (description["status"]!.GetValue<string>() != "RUNNING")
            {
                break;
            }

            await Task.Delay(200, timeout.Token);
        }

        Assert.Equal("SUCCEEDED", description["status"]!.GetValue<string>());
        Assert.True(description["output"]!["Output"]!["done"]!.GetValue<bool>());
        Assert.Equal(child.Arn, description["output"]!["ExecutionArn"]!.GetValue<string>());
        Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
        Assert.Equal(42, JsonNode.Parse(child.Input)!["n"]!.GetValue<int>());
        Assert.Equal("crash-tester", JsonNode.Parse(child.Input)!["HybridCaller"]!["Subject"]!.GetValue<string>());
    }

    private Task<ChildHost> StartHostAsync(CancellationToken cancellation) => ChildHost.StartAsync(
        typeof(BridgeCrashHost).Assembly.Location,
        [BridgeCrashHost.Mode, _azurite.ConnectionString, "BridgeCrashHub", "bridge-worker", _folder, $"http://127.0.0.1:{_port}", Server.StepFunctionsEndpoint.ToString()],
        BridgeCrashHost.ReadyLine,
        cancellation);
}
