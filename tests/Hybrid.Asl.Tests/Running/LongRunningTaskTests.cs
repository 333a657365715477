using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;

namespace Hybrid.Asl.Tests.Running;

/// <summary>The direct runner starts a long-running task, polls it until it ends, and stops it when it times out.</summary>
public sealed class LongRunningTaskTests
{
    private sealed class CountingHandler(int pollsBeforeDone, TimeSpan pollAfter) : ILongRunningTaskHandler
    {
        public List<string> Calls { get; } = [];

        public ValueTask<TaskProgress> StartAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            Calls.Add($"start {invocation.Scope?.Key} {invocation.Input?["n"]}");
            return ValueTask.FromResult(TaskProgress.Running(new JsonObject { ["polls"] = 0 }, pollAfter));
        }

        public ValueTask<TaskProgress> PollAsync(TaskInvocation invocation, JsonNode? state, int poll, CancellationToken cancellationToken)
        {
            Calls.Add($"poll {poll} input={invocation.Input is null}");
            return ValueTask.FromResult(poll >= pollsBeforeDone
                ? TaskProgress.Done(new JsonObject { ["polled"] = poll })
                : TaskProgress.Running(new JsonObject { ["polls"] = poll }, pollAfter));
        }

        public ValueTask StopAsync(TaskInvocation invocation, JsonNode? state, string? error, string? cause, CancellationToken cancellationToken)
        {
            Calls.Add($"stop {error} {state?["polls"]}");
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<ExecutionResult> RunAsync(ILongRunningTaskHandler handler, string extra = "")
    {
        var definition = DefinitionParser.Parse($$$$"""
            {"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:test:job.sync",{{{{extra}}}}"Parameters":{"n":1},"End":true}}}
            """).StateMachine!;
        return await new DirectRunner(new TaskHandlerRegistry().Register("arn:test:job.sync", handler)).RunAsync(definition, new JsonObject());
    }

    [Fact]
    public async Task Run_LongRunningTask_StartsThenPollsUntilDoneWithoutTheInputAgain()
    {
        var handler = new CountingHandler(pollsBeforeDone: 3, TimeSpan.Zero);

        var result = await RunAsync(handler);

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.Equal(3, result.Output!["polled"]!.GetValue<int>());
        Assert.Equal(["start 1 1", "poll 1 input=True", "poll 2 input=True", "poll 3 input=True"], handler.Calls);
    }

    [Fact]
    public async Task Run_LongRunningTaskOutlivesItsTimeout_StopsItAndFailsWithStatesTimeout()
    {
        var handler = new CountingHandler(pollsBeforeDone: int.MaxValue, TimeSpan.FromMilliseconds(200));

        var result = await RunAsync(handler, """ "TimeoutSeconds":1, """);

        Assert.Equal("FAILED", result.Status);
        Assert.Equal(ErrorNames.Timeout, result.Error);
        Assert.StartsWith($"stop {ErrorNames.Timeout}", handler.Calls[^1], StringComparison.Ordinal);
    }
}
