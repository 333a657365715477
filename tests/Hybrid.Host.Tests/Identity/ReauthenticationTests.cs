using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Running;
using Hybrid.Host.Local;
using Hybrid.Identity.Development;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Host.Tests.Identity;

/// <summary>
/// An execution of a workflow listed in <c>Identity:Reauthentication</c> pauses when its token has expired, until the
/// same subject hands in a fresh one (<c>POST /api/executions/{id}/token</c>), or fails with <c>Hybrid.TokenExpired</c>
/// after the bound. Tokens come from the development issuer (with the tests' clock), on the embedded Development defaults.
/// The long-running (<c>.sync</c>) task is served by <see cref="Job"/>, a real handler the orchestration starts and polls.
/// </summary>
public sealed class ReauthenticationTests : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory("hybrid-reauth-keys-").FullName;
    private readonly Job _job = new();
    private IdentityHost _host = null!;
    private DevelopmentIssuer _issuer = null!;

    public async Task InitializeAsync()
    {
        var identity = LocalHost.DevelopmentIdentity(_keys).AsEnumerable().ToDictionary(p => p.Key, p => p.Value);
        identity["Reauthentication:Workflows:0"] = "reauth-*";
        identity["Reauthentication:Wait"] = "00:00:05";
        _host = await IdentityHost.StartAsync(
            identity, environment: "Development", services: s => s.AddSingleton(new TaskHandlerRegistry().Register(Job.Resource, _job)));
        _issuer = DevelopmentIssuer.LoadOrCreate(_keys, _host.Time);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task ExpiredToken_PausesUntilTheSameSubjectHandsInAFreshOne_ThenGoesOn()
    {
        await _host.StartAsync("reauth-expiring", "resumes", Token("alice", TimeSpan.FromMinutes(10)));
        _host.Time.Advance(TimeSpan.FromHours(1));
        var fresh = Token("alice", TimeSpan.FromHours(1));

        var refused = await WaitForRefusedCheckAsync("reauth-expiring:resumes", fresh);
        var paused = await _host.GetJsonAsync("/api/executions/reauth-expiring:resumes", fresh);
        using var bob = await _host.SendAsync(HttpMethod.Post, "/api/executions/reauth-expiring:resumes/token", Token("bob", TimeSpan.FromHours(1)));
        using var handed = await _host.SendAsync(HttpMethod.Post, "/api/executions/reauth-expiring:resumes/token", fresh);
        var done = await _host.WaitForEndAsync("reauth-expiring:resumes", () => fresh);

        Assert.Equal("Hybrid.TokenExpired", (string?)refused["error"]);
        Assert.Equal("RUNNING", (string?)paused["status"]);
        Assert.Equal("Work", (string?)paused["currentState"]);
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
        Assert.Equal("Only 'alice', for whom the execution runs, may hand it a token, not 'bob'.", (string?)JsonNode.Parse(await bob.Content.ReadAsStringAsync())!["detail"]);
        Assert.Equal(HttpStatusCode.Accepted, handed.StatusCode);
        Assert.Equal("alice", (string?)JsonNode.Parse(await handed.Content.ReadAsStringAsync())!["subject"]);
        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.True((bool)done["output"]!["worked"]!);
        var checks = (await _host.AuditAsync("reauth-expiring:resumes", fresh)).Where(e => (string?)e!["state"] == "Work").ToList();
        Assert.Equal(["Deny", "Allow"], checks.Select(e => (string?)e!["decision"]));
    }

    [Fact]
    public async Task ExpiredToken_NoFreshTokenWithinTheBound_FailsWithTokenExpired()
    {
        await _host.StartAsync("reauth-expiring", "gives-up", Token("alice", TimeSpan.FromMinutes(10)));
        _host.Time.Advance(TimeSpan.FromHours(1));
        var reader = Token("alice", TimeSpan.FromHours(1));

        var done = await _host.WaitForEndAsync("reauth-expiring:gives-up", () => reader);

        Assert.Equal("FAILED", (string?)done["status"]);
        Assert.Equal("Hybrid.TokenExpired", (string?)done["error"]);
        Assert.Contains("no fresh token was handed in within 00:00:05 (POST /api/executions/reauth-expiring:gives-up/token)", (string?)done["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshToken_ForAWorkflowThatDoesNotWait_IsRefusedWith409()
    {
        var token = Token("alice", TimeSpan.FromHours(1));
        await _host.StartAsync("greet", "no-wait", token);
        await _host.WaitForEndAsync("greet:no-wait", () => token);

        using var response = await _host.SendAsync(HttpMethod.Post, "/api/executions/greet:no-wait/token", token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("TokenNotAccepted", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
    }

    [Fact]
    public async Task LongRunningTask_PollFindsTheTokenExpired_PausesUntilAFreshOne_ThenPollsOnWithIt()
    {
        var fresh = await StartLongThenExpireAsync("reauth-long", "polls-on", """{"freshPolls":2}""");

        await WaitForRefusedCheckAsync("reauth-long:polls-on", fresh);
        var paused = await _host.GetJsonAsync("/api/executions/reauth-long:polls-on", fresh);
        using var handed = await _host.SendAsync(HttpMethod.Post, "/api/executions/reauth-long:polls-on/token", fresh);
        var done = await _host.WaitForEndAsync("reauth-long:polls-on", () => fresh);

        Assert.Equal("RUNNING", (string?)paused["status"]);
        Assert.Equal(HttpStatusCode.Accepted, handed.StatusCode);
        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.Equal(2, (int)done["output"]!["freshPolls"]!);
        var calls = _job.Calls.ToList();
        var polls = calls.Where(c => c.Phase == "poll").ToList();
        Assert.Equal("start", calls[0].Phase);
        Assert.Equal(Enumerable.Range(1, polls.Count), polls.Select(p => p.Poll));
        var stale = polls.TakeWhile(p => p.Token == calls[0].Token).Count();
        Assert.True(stale >= 1, "the first poll ran with the start's token");
        Assert.Equal(2, polls.Count - stale);
        Assert.Single(polls.Skip(stale).Select(p => p.Token).Distinct());
        var checks = (await _host.AuditAsync("reauth-long:polls-on", fresh)).Where(e => (string?)e!["state"] == "Work").Select(e => (string?)e!["decision"]).ToList();
        Assert.Equal([.. Enumerable.Repeat("Allow", 1 + stale), "Deny", "Allow", "Allow"], checks);
        var history = (await _host.GetJsonAsync("/api/executions/reauth-long:polls-on/history", fresh))["events"]!.AsArray().Select(e => (string?)e!["type"]).ToList();
        Assert.Equal(["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"], history.Where(t => t is "TaskScheduled" or "TaskStarted" or "TaskSubmitted" or "TaskSucceeded" or "TaskFailed"));
        Assert.Equal("ExecutionSucceeded", history[^1]);
    }

    [Fact]
    public async Task LongRunningTask_PollFindsTheTokenExpired_NoFreshTokenWithinTheBound_FailsWithTokenExpired()
    {
        var reader = await StartLongThenExpireAsync("reauth-long", "poll-gives-up");

        var done = await _host.WaitForEndAsync("reauth-long:poll-gives-up", () => reader);

        Assert.Equal("FAILED", (string?)done["status"]);
        Assert.Equal("Hybrid.TokenExpired", (string?)done["error"]);
        Assert.EndsWith("; no fresh token was handed in within 00:00:05 (POST /api/executions/reauth-long:poll-gives-up/token)", (string?)done["cause"], StringComparison.Ordinal);
        Assert.All(_job.Calls, c => Assert.NotEqual("stop", c.Phase));
    }

    [Fact]
    public async Task LongRunningTask_PollFindsTheTokenExpired_WorkflowDoesNotWait_FailsAtOnce()
    {
        var reader = await StartLongThenExpireAsync("long", "poll-fails");

        var done = await _host.WaitForEndAsync("long:poll-fails", () => reader);

        Assert.Equal("FAILED", (string?)done["status"]);
        Assert.Equal("Hybrid.TokenExpired", (string?)done["error"]);
        Assert.DoesNotContain("no fresh token", (string?)done["cause"], StringComparison.Ordinal);
        var checks = (await _host.AuditAsync("long:poll-fails", reader)).Where(e => (string?)e!["state"] == "Work").Select(e => (string?)e!["decision"]).ToList();
        Assert.Equal("Deny", checks[^1]);
        Assert.Single(checks, "Deny");
    }

    [Fact]
    public async Task LongRunningTask_TimesOutAfterAFreshToken_IsStoppedWithTheFreshToken()
    {
        var fresh = await StartLongThenExpireAsync("reauth-long-timed", "stops");

        await WaitForRefusedCheckAsync("reauth-long-timed:stops", fresh);
        using var handed = await _host.SendAsync(HttpMethod.Post, "/api/executions/reauth-long-timed:stops/token", fresh);
        var done = await _host.WaitForEndAsync("reauth-long-timed:stops", () => fresh);

        Assert.Equal(HttpStatusCode.Accepted, handed.StatusCode);
        Assert.Equal("FAILED", (string?)done["status"]);
        Assert.Equal("States.Timeout", (string?)done["error"]);
        var calls = _job.Calls.ToList();
        var stop = Assert.Single(calls, c => c.Phase == "stop");
        Assert.Equal(calls[^1], stop);
        Assert.NotEqual(calls[0].Token, stop.Token);
        Assert.Equal(calls[^2].Token, stop.Token);
    }

    /// <summary>
    /// Starts an execution of a long-running task for alice with a token that lives 10 minutes, lets the task be polled
    /// once, then moves the identity clock an hour on; returns a fresh token of alice's.
    /// </summary>
    private async Task<string> StartLongThenExpireAsync(string workflow, string name, string input = "{}")
    {
        await _host.StartAsync(workflow, name, Token("alice", TimeSpan.FromMinutes(10)), input);
        await _job.Polled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _host.Time.Advance(TimeSpan.FromHours(1));
        return Token("alice", TimeSpan.FromHours(1));
    }

    private string Token(string subject, TimeSpan lifetime) =>
        _issuer.Mint(new DevelopmentTokenRequest { Subject = subject, Groups = ["admins"], Lifetime = lifetime });

    private async Task<JsonObject> WaitForRefusedCheckAsync(string executionId, string token)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var refused = (await _host.AuditAsync(executionId, token)).FirstOrDefault(e => (string?)e!["state"] == "Work" && (string?)e["decision"] == "Deny");
            if (refused is not null)
            {
                return refused.AsObject();
            }

            await Task.Delay(50, cts.Token);
        }
    }

    /// <summary>
    /// A long-running task: it runs until it has been polled <c>freshPolls</c> times (from its input; never without it)
    /// with a token other than its start's, then answers <c>{"freshPolls": n}</c>. It records every call with the
    /// sealed token it carried.
    /// </summary>
    private sealed class Job : ILongRunningTaskHandler
    {
        public const string Resource = "arn:aws:states:::hybrid-test:job.sync";
        private static readonly TimeSpan PollAfter = TimeSpan.FromMilliseconds(200);

        public ConcurrentQueue<(string Phase, int Poll, string? Token)> Calls { get; } = new();

        /// <summary>Completed at the first poll.</summary>
        public TaskCompletionSource Polled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<TaskProgress> StartAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            Calls.Enqueue(("start", 0, invocation.Scope?.SealedToken));
            var state = new JsonObject { ["startToken"] = invocation.Scope?.SealedToken, ["freshPolls"] = 0, ["finishAfter"] = invocation.Input?["freshPolls"]?.DeepClone() };
            return ValueTask.FromResult(TaskProgress.Running(state, PollAfter));
        }

        public ValueTask<TaskProgress> PollAsync(TaskInvocation invocation, JsonNode? state, int poll, CancellationToken cancellationToken)
        {
            Calls.Enqueue(("poll", poll, invocation.Scope?.SealedToken));
            Polled.TrySetResult();
            var next = state!.DeepClone().AsObject();
            if (invocation.Scope?.SealedToken != (string?)state["startToken"])
            {
                next["freshPolls"] = (int)state["freshPolls"]! + 1;
            }

            return ValueTask.FromResult((int?)next["finishAfter"] is { } finish && (int)next["freshPolls"]! >= finish
                ? TaskProgress.Done(new JsonObject { ["freshPolls"] = next["freshPolls"]!.DeepClone() })
                : TaskProgress.Running(next, PollAfter));
        }

        public ValueTask StopAsync(TaskInvocation invocation, JsonNode? state, string? error, string? cause, CancellationToken cancellationToken)
        {
            Calls.Enqueue(("stop", 0, invocation.Scope?.SealedToken));
            return ValueTask.CompletedTask;
        }
    }
}
