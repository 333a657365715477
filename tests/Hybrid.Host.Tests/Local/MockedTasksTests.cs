using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Host.Local;
using Hybrid.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Host.Tests.Local;

/// <summary>
/// <c>hybrid serve --mocks</c> keeps each execution's mock invocation counters while the execution can still call a
/// Task, and drops them once it has ended (the host's minute timer, on a <see cref="FakeTimeProvider"/> here), so a long
/// serve does not grow with every execution it has run. Executions run on the in-memory backend of the real host.
/// </summary>
public sealed class MockedTasksTests : IAsyncLifetime
{
    /// <summary>One mocked Task.</summary>
    private const string Once = """{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}""";

    /// <summary>Count (mocked: 1, then 2), a Task that waits for its token to come back, then Count again.</summary>
    private const string Twice = """
        {"StartAt":"Count","States":{
          "Count":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.count","Next":"Held"},
          "Held":{"Type":"Choice","Choices":[{"Variable":"$.held","IsPresent":true,"Next":"Done"}],"Default":"Hold"},
          "Hold":{"Type":"Task","Resource":"arn:hybrid:hold.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},"ResultPath":"$.held","Next":"Count"},
          "Done":{"Type":"Succeed"}}}
        """;

    private const string Mocks = """
        {
          "StateMachines": {
            "once": { "TestCases": { "Default": { "Work": "Worked" } } },
            "twice": { "TestCases": { "Default": { "Count": "Counted" } } }
          },
          "MockedResponses": {
            "Worked": { "0": { "Return": { "worked": true } } },
            "Counted": { "0": { "Return": 1 }, "1": { "Return": 2 } }
          }
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-mocks-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly Channel<string> _heldTokens = Channel.CreateUnbounded<string>();
    private WebApplication _app = null!;

    private IExecutionService Executions => _app.Services.GetRequiredService<IExecutionService>();

    private MockedTasks Mocked => _app.Services.GetServices<IDispatchMiddleware>().OfType<MockedTasks>().Single();

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder, "once.asl.json"), Once);
        File.WriteAllText(Path.Combine(_folder, "twice.asl.json"), Twice);
        File.WriteAllText(Path.Combine(_folder, "counts.mock.json"), Mocks);
        var options = new LocalHostOptions
        {
            Workflows = _folder,
            Mocks = _folder,
            Urls = $"http://127.0.0.1:{FreePorts.Next()}",
            Identity = LocalHost.DevelopmentIdentity(_folder),
        };
        var handlers = new TaskHandlerRegistry().Register("arn:hybrid:hold.waitForTaskToken", input =>
        {
            _heldTokens.Writer.TryWrite(input!["token"]!.GetValue<string>());
            return null;
        });
        _app = LocalHost.Build(options, builder => builder.Services.AddSingleton<TimeProvider>(_time).AddSingleton(handlers));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Serve_ManyMockedExecutionsEnded_TheMinuteTimerDropsEveryOnesCounters()
    {
        for (var i = 0; i < 20; i++)
        {
            var started = await Executions.StartAsync("once", new JsonObject(), $"run-{i}");
            Assert.Equal(ExecutionStatus.Succeeded, (await WaitForEndAsync(started.ExecutionId)).Status);
        }

        var before = Mocked.ExecutionCount;
        var after = await AdvanceUntilAsync(() => Mocked.ExecutionCount == 0);

        Assert.Equal(20, before);
        Assert.Equal(0, after);
    }

    [Fact]
    public async Task Serve_ExecutionWaitingAcrossSweeps_KeepsItsCountersAndGetsTheNextAnswer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Executions.StartAsync("twice", new JsonObject(), "held");
        var token = await _heldTokens.Reader.ReadAsync(timeout.Token);
        await Executions.StartAsync("once", new JsonObject(), "done");
        await WaitForEndAsync("once:done");

        // The sweep drops the ended execution's counters while 'twice:held' waits for its token.
        var whileHeld = await AdvanceUntilAsync(() => Mocked.ExecutionCount == 1);
        await Executions.SendTaskSuccessAsync(token, new JsonObject());
        var done = await WaitForEndAsync("twice:held");
        var afterEnd = await AdvanceUntilAsync(() => Mocked.ExecutionCount == 0);

        Assert.Equal(1, whileHeld);
        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Equal(2, done.Output!["count"]!.GetValue<int>());
        Assert.Equal(0, afterEnd);
    }

    /// <summary>Moves the clock on a minute at a time (the timer is set when its service gets to it) until the condition holds or 30 s have passed; the count then.</summary>
    private async Task<int> AdvanceUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition() && !cts.IsCancellationRequested)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20, CancellationToken.None);
        }

        return Mocked.ExecutionCount;
    }

    private async Task<ExecutionDescription> WaitForEndAsync(string executionId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await Executions.DescribeAsync(executionId, cts.Token) is { } description && description.Status is not (ExecutionStatus.Running or ExecutionStatus.Pending))
            {
                return description;
            }

            await Task.Delay(20, cts.Token);
        }
    }
}
