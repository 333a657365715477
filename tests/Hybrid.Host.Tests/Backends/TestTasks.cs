using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.DurableTask;

namespace Hybrid.Host.Tests.Backends;

/// <summary>The tiny orchestrators and activities the backend tests run.</summary>
internal static class TestTasks
{
    public const string ApprovalEvent = "approval";

    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<SequenceOrchestrator>();
        registry.AddOrchestrator<TimerOrchestrator>();
        registry.AddOrchestrator<ParentOrchestrator>();
        registry.AddOrchestrator<ChildOrchestrator>();
        registry.AddOrchestrator<FanOutOrchestrator>();
        registry.AddOrchestrator<CountdownOrchestrator>();
        registry.AddOrchestrator<ApprovalOrchestrator>();
        registry.AddOrchestrator<BlockingOrchestrator>();
        registry.AddOrchestrator<LastEpisodeOrchestrator>();
        registry.AddOrchestrator<CountingOrchestrator>();
        registry.AddOrchestrator<GatedOrchestrator>();
        registry.AddActivity<AppendActivity>();
        registry.AddActivity<DoubleActivity>();
        registry.AddActivity<BlockingActivity>();
    }
}

internal sealed record AppendInput(string Text, int Index);

/// <summary>Appends five digits, one activity each, so the result shows every activity ran, in order.</summary>
internal sealed class SequenceOrchestrator : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var text = input ?? "";
        for (var i = 0; i < 5; i++)
        {
            text = await context.CallActivityAsync<string>(nameof(AppendActivity), new AppendInput(text, i));
        }

        return text;
    }
}

/// <summary>
/// <see cref="SequenceOrchestrator"/>, counting how often its code starts from the top (on every replay, unless a
/// session resumes it). Input "wait": a one-second durable timer before each activity.
/// </summary>
internal sealed class CountingOrchestrator : TaskOrchestrator<string, string>
{
    private static readonly ConcurrentDictionary<string, int> StartsByInstance = new();

    public static int Starts(string instanceId) => StartsByInstance.GetValueOrDefault(instanceId);

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        StartsByInstance.AddOrUpdate(context.InstanceId, 1, (_, n) => n + 1);
        var text = "";
        for (var i = 0; i < 5; i++)
        {
            if (input == "wait")
            {
                await context.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);
            }

            text = await context.CallActivityAsync<string>(nameof(AppendActivity), new AppendInput(text, i));
        }

        return text;
    }
}

internal sealed class AppendActivity : TaskActivity<AppendInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, AppendInput input) =>
        Task.FromResult(input.Text + input.Index.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Waits on a durable timer of the given number of milliseconds, then reports the orchestration clock before and after.</summary>
internal sealed class TimerOrchestrator : TaskOrchestrator<int, TimerResult>
{
    public override async Task<TimerResult> RunAsync(TaskOrchestrationContext context, int input)
    {
        var before = context.CurrentUtcDateTime;
        var fireAt = before.AddMilliseconds(input);
        await context.CreateTimer(fireAt, CancellationToken.None);
        return new TimerResult(before, fireAt, context.CurrentUtcDateTime);
    }
}

internal sealed record TimerResult(DateTime Before, DateTime FireAt, DateTime After);

/// <summary>Calls <see cref="ChildOrchestrator"/> as a sub-orchestration with a known instance id and tags.</summary>
internal sealed class ParentOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var options = new TaskOptions(tags: new Dictionary<string, string> { ["origin"] = "parent" })
            .WithInstanceId(context.InstanceId + "-child");
        var first = await context.CallSubOrchestratorAsync<int>(nameof(ChildOrchestrator), input, options);

        // A second episode after the sub-orchestration: it replays the history that holds the created event.
        var second = await context.CallActivityAsync<int>(nameof(DoubleActivity), first);
        return second;
    }
}

internal sealed class ChildOrchestrator : TaskOrchestrator<int, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, int input) =>
        context.CallActivityAsync<int>(nameof(DoubleActivity), input);
}

internal sealed class DoubleActivity : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input * 2);
}

/// <summary>Starts <c>input</c> sub-orchestrations at once and sums their results.</summary>
internal sealed class FanOutOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var children = Enumerable.Range(1, input)
            .Select(i => context.CallSubOrchestratorAsync<int>(nameof(ChildOrchestrator), i))
            .ToList();
        var results = await Task.WhenAll(children);
        return results.Sum();
    }
}

internal sealed record Countdown(int Left, int Generations);

/// <summary>Counts down with one ContinueAsNew per step; returns the number of generations it ran.</summary>
internal sealed class CountdownOrchestrator : TaskOrchestrator<Countdown, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, Countdown input)
    {
        var generations = await context.CallActivityAsync<int>(nameof(DoubleActivity), input.Generations) / 2 + 1;
        if (input.Left <= 0)
        {
            return generations;
        }

        context.ContinueAsNew(new Countdown(input.Left - 1, generations));
        return 0;
    }
}

/// <summary>Waits for the approval event and returns its payload.</summary>
internal sealed class ApprovalOrchestrator : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        context.SetCustomStatus("waiting");
        var approval = await context.WaitForExternalEvent<string>(TestTasks.ApprovalEvent);
        return $"{input}:{approval}";
    }
}

/// <summary>Runs <see cref="BlockingActivity"/>, which never returns: work that is in flight when the host stops.</summary>
internal sealed class BlockingOrchestrator : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallActivityAsync<string>(nameof(BlockingActivity), input);
}

internal sealed class BlockingActivity(BlockingActivity.Gate gate) : TaskActivity<string, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, string input)
    {
        gate.Entered.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, gate.Release.Token);
        return input;
    }

    /// <summary>Shared with the test: signals when the activity runs; the test cancels it to let it go.</summary>
    internal sealed class Gate : IDisposable
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Release { get; } = new();

        public void Dispose() => Release.Dispose();
    }
}

/// <summary>
/// Runs one activity and returns its result, whether the episode that returned was a replay, and how many times the
/// instance has returned so far (also its custom status): "x0:False:1" on its first run; an instance that completed and
/// runs again would say "x0:True:2". When the test
/// registered a gate for the instance, holds its first (not replayed) last episode until the test lets it go: a message
/// raised then reaches the instance while it completes.
/// </summary>
internal sealed class LastEpisodeOrchestrator : TaskOrchestrator<string, string>
{
    public static readonly ConcurrentDictionary<string, int> Returns = new(StringComparer.Ordinal);

    public static readonly ConcurrentDictionary<string, Gate> Gates = new(StringComparer.Ordinal);

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var text = await context.CallActivityAsync<string>(nameof(AppendActivity), new AppendInput(input, 0));
        if (!context.IsReplaying && Gates.TryGetValue(context.InstanceId, out var gate))
        {
            // Test-only: blocks the worker's thread (never the sidecar) so the episode is in flight while the test raises.
            gate.Entered.Set();
            gate.Release.Wait(BackendHarness.Patience);
        }

        var returns = Returns.AddOrUpdate(context.InstanceId, 1, (_, n) => n + 1);
        context.SetCustomStatus(returns);
        return $"{text}:{context.IsReplaying}:{returns}";
    }

    /// <summary>Shared with the test: set when the last episode runs; the test sets Release to let it return.</summary>
    internal sealed class Gate : IDisposable
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
