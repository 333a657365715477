using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Asl.Execution;
using Hybrid.Durable.Executions;
using Xunit.Abstractions;

namespace Hybrid.Api.Tests;

/// <summary>The graph page in headless Chromium against the API on Kestrel: states drawn from the definition, coloured from history.</summary>
public sealed partial class GraphPageTests(ApiHost host, ITestOutputHelper output) : ApiTestBase(host)
{
    private static readonly DateTimeOffset T0 = FakeExecutionService.Epoch;

    private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal)
    {
        ["succeeded"] = "#2e8540",
        ["failed"] = "#d13212",
        ["in-progress"] = "#0073bb",
        ["caught-error"] = "#f89c1c",
        ["not-reached"] = "#d5dbdb",
        ["none"] = "#ffffff",
    };

    [ChromiumFact]
    public async Task GraphPage_FailedExecutionWithACaughtBranch_ColoursEveryStateByItsStatus()
    {
        Seed();

        var states = await LoadAsync("orders:bulk-1");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Validate"] = "succeeded",
                ["Route"] = "succeeded",
                ["Fanout"] = "caught-error",
                ["Reserve"] = "succeeded",
                ["Bill"] = "failed",
                ["Cleanup"] = "succeeded",
                ["Abort"] = "failed",
                ["Process"] = "not-reached",
                ["Ship"] = "not-reached",
                ["Notify"] = "not-reached",
                ["Done"] = "not-reached",
            },
            states.ToDictionary(s => s.Key, s => s.Value.Status));
        Assert.All(states.Values, s => Assert.Equal(Colours[s.Status], s.Fill));
    }

    [ChromiumFact]
    public async Task GraphPage_RunningMap_ShowsTheMapAndItsProcessorInProgress()
    {
        Seed();

        var states = await LoadAsync("orders:small-1");

        Assert.Equal("succeeded", states["Validate"].Status);
        Assert.Equal("succeeded", states["Route"].Status);
        Assert.Equal("in-progress", states["Process"].Status);
        Assert.Equal("in-progress", states["Ship"].Status);
        Assert.Equal("not-reached", states["Fanout"].Status);
        Assert.Equal("not-reached", states["Notify"].Status);
        Assert.Equal(Colours["in-progress"], states["Ship"].Fill);
    }

    [ChromiumFact]
    public async Task GraphPage_RetriedTaskThatSucceeded_IsGreenNotOrange()
    {
        Seed();

        var states = await LoadAsync("orders:retry-1");

        Assert.Equal("succeeded", states["Notify"].Status);
        Assert.Equal("succeeded", states["Ship"].Status);
        Assert.Equal("succeeded", states["Done"].Status);
        Assert.Equal("not-reached", states["Bill"].Status);
    }

    [ChromiumFact]
    public async Task GraphPage_AbortedInALoop_ShowsTheLatestRunOfEachState()
    {
        Seed();

        var states = await LoadAsync("polling:aborted-1");

        Assert.Equal("succeeded", states["Submit"].Status);
        Assert.Equal("succeeded", states["Finished?"].Status);
        Assert.Equal("caught-error", states["Check"].Status);
        Assert.Equal("cancelled", states["Pause"].Status);
        Assert.Equal("#879196", states["Pause"].Fill);
        Assert.Equal("not-reached", states["Publish"].Status);
        Assert.Equal("not-reached", states["Copy"].Status);
    }

    [ChromiumFact]
    public async Task GraphPage_ApiAsksForAToken_SaysWhereToPasteOne()
    {
        Host.Authorizer.Decide = r => r.Route == HybridApiRoute.Page
            ? HybridApiAuthorization.Allow()
            : HybridApiAuthorization.Unauthenticated("A bearer token is required.");

        var dom = await Chromium.DumpDomAsync(Host.BaseAddress);

        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal);
        Assert.Contains("<input id=\"token\" type=\"password\"", dom, StringComparison.Ordinal);
        Assert.Contains("A bearer token is required. Paste a token into \"Token\" (hybrid token --sub alice --groups admins).", System.Net.WebUtility.HtmlDecode(dom), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task GraphPage_WorkflowWithoutExecution_DrawsEveryStateAndTransition()
    {
        Fake.Expect(nameof(IExecutionService.ListAsync));

        var dom = await Chromium.DumpDomAsync(new Uri(Host.BaseAddress, "#workflow=orders"));

        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal);
        var states = States(dom);
        Assert.Equal(["Abort", "Bill", "Cleanup", "Done", "Fanout", "Notify", "Process", "Reserve", "Route", "Ship", "Validate"], states.Keys.Order(StringComparer.Ordinal));
        Assert.All(states.Values, s => Assert.Equal("none", s.Status));
        var edges = EdgePattern().Matches(dom).Select(m => $"{m.Groups["from"].Value}->{m.Groups["to"].Value}:{m.Groups["kind"].Value}").ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "Validate->Route:next", "Route->Fanout:choice", "Route->Process:default", "Fanout->Notify:next", "Fanout->Cleanup:catch",
                "Process->Notify:next", "Notify->Done:next", "Cleanup->Abort:next",
            },
            edges);
        Assert.Contains("$.kind StringEquals bulk", dom, StringComparison.Ordinal);
        Assert.Contains("Catch States.ALL", dom, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task GraphPage_LoopAndNestedMap_DrawsTheBackEdgeAndEveryNestedState()
    {
        Fake.Expect(nameof(IExecutionService.ListAsync));

        var dom = await Chromium.DumpDomAsync(new Uri(Host.BaseAddress, "#workflow=polling"));

        Assert.Equal(["Announce", "Archive", "Check", "Copy", "Each region", "Finished?", "Gave up", "Pause", "Publish", "Submit"], States(dom).Keys.Order(StringComparer.Ordinal));
        var edges = EdgePattern().Matches(dom).Select(m => $"{m.Groups["from"].Value}->{m.Groups["to"].Value}:{m.Groups["kind"].Value}").ToHashSet();
        Assert.Contains("Finished?->Pause:default", edges);
        Assert.Contains("Announce->Archive:next", edges);
    }

    [ChromiumTheory]
    [InlineData("orders", "orders:bulk-1")]
    [InlineData("polling", null)]
    public async Task GraphPage_Screenshot_RendersTheGraph(string workflow, string? execution)
    {
        Seed();
        if (execution is null)
        {
            Fake.Expect(nameof(IExecutionService.ListAsync));
        }

        var folder = Environment.GetEnvironmentVariable("HYBRID_API_SCREENSHOTS") ?? Path.GetTempPath();
        var path = Path.Combine(folder, $"hybrid-graph-{workflow}-{Guid.NewGuid():N}.png");
        try
        {
            var fragment = execution is null ? $"#workflow={workflow}" : $"#workflow={workflow}&execution={Uri.EscapeDataString(execution)}";
            await Chromium.ScreenshotAsync(new Uri(Host.BaseAddress, fragment), path);

            var png = await File.ReadAllBytesAsync(path);
            Assert.True(png.Length > 10_000, $"The screenshot has only {png.Length} bytes.");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
            output.WriteLine($"Screenshot: {path}");
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("HYBRID_API_SCREENSHOTS") is null)
            {
                File.Delete(path);
            }
        }
    }

    private async Task<Dictionary<string, (string Status, string Fill)>> LoadAsync(string executionId)
    {
        var workflow = executionId[..executionId.IndexOf(':', StringComparison.Ordinal)];
        var dom = await Chromium.DumpDomAsync(new Uri(Host.BaseAddress, $"#workflow={workflow}&execution={Uri.EscapeDataString(executionId)}"));
        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<div id=\"message\" role=\"status\">", dom, StringComparison.Ordinal);
        return States(dom);
    }

    private static Dictionary<string, (string Status, string Fill)> States(string dom) =>
        StatePattern().Matches(dom).ToDictionary(m => m.Groups["name"].Value, m => (m.Groups["status"].Value, m.Groups["fill"].Value), StringComparer.Ordinal);

    [GeneratedRegex("""<g class="state[^"]*" data-state="(?<name>[^"]+)" data-type="[^"]*" data-status="(?<status>[^"]+)"[^>]*>(?:(?!<g ).)*?class="state-box" fill="(?<fill>#[0-9a-f]{6})""", RegexOptions.Singleline)]
    private static partial Regex StatePattern();

    [GeneratedRegex("class=\"edge (?<kind>[a-z]+)\" marker-end=\"[^\"]*\" data-from=\"(?<from>[^\"]+)\" data-to=\"(?<to>[^\"]+)\"")]
    private static partial Regex EdgePattern();

    private void Seed()
    {
        Fake.Expect(nameof(IExecutionService.ListAsync), nameof(IExecutionService.DescribeAsync), nameof(IExecutionService.GetHistoryAsync));
        var history = new Recorder();
        history.Started();
        history.State("Pass", "Validate");
        history.State("Choice", "Route");
        history.Enter("Parallel", "Fanout").Add("ParallelStateStarted");
        history.Enter("Task", "Reserve").Task("TaskSucceeded").Exit("Task", "Reserve");
        history.Enter("Task", "Bill").Task("TaskFailed");
        history.Add("ParallelStateFailed").Exit("Parallel", "Fanout");
        history.State("Pass", "Cleanup");
        history.Enter("Fail", "Abort").Add("ExecutionFailed");
        Fake.AddExecution(Describe("bulk-1", ExecutionStatus.Failed, "Abort"), history.Events);

        history = new Recorder();
        history.Started();
        history.State("Pass", "Validate");
        history.State("Choice", "Route");
        history.Enter("Map", "Process").Add("MapStateStarted");
        history.Enter("Task", "Ship").Task("TaskSucceeded").Exit("Task", "Ship");
        history.Enter("Task", "Ship").Add("TaskScheduled").Add("TaskStarted");
        Fake.AddExecution(Describe("small-1", ExecutionStatus.Running, "Process"), history.Events);

        history = new Recorder();
        history.Started();
        history.State("Pass", "Validate");
        history.State("Choice", "Route");
        history.Enter("Map", "Process").Add("MapStateStarted");
        history.Enter("Task", "Ship").Task("TaskSucceeded").Exit("Task", "Ship");
        history.Add("MapStateSucceeded").Exit("Map", "Process");
        history.Enter("Task", "Notify").Task("TaskFailed").Task("TaskSucceeded").Exit("Task", "Notify");
        history.State("Succeed", "Done");
        history.Add("ExecutionSucceeded");
        Fake.AddExecution(Describe("retry-1", ExecutionStatus.Succeeded, null), history.Events);

        // The loop ran twice: Check succeeded, then failed and was caught (made up: polling has no Catch; only the colours count);
        // Pause was waiting when the execution was stopped.
        history = new Recorder();
        history.Started();
        history.Enter("Task", "Submit").Task("TaskSucceeded").Exit("Task", "Submit");
        history.State("Wait", "Pause");
        history.Enter("Task", "Check").Task("TaskSucceeded").Exit("Task", "Check");
        history.State("Choice", "Finished?");
        history.State("Wait", "Pause");
        history.Enter("Task", "Check").Task("TaskFailed").Exit("Task", "Check");
        history.State("Choice", "Finished?");
        history.Enter("Wait", "Pause").Add("ExecutionAborted");
        Fake.AddExecution(Describe("aborted-1", ExecutionStatus.Aborted, "Pause") with { ExecutionId = "polling:aborted-1", Workflow = "polling" }, history.Events);
    }

    private static ExecutionDescription Describe(string name, string status, string? currentState) =>
        new($"orders:{name}", name, "orders", status, T0, status == ExecutionStatus.Running ? null : T0.AddMinutes(1), new JsonObject(), null,
            status == ExecutionStatus.Failed ? "Order.Failed" : null, status == ExecutionStatus.Failed ? "A branch failed." : null, currentState, null);

    /// <summary>Writes a history the way the interpreter does: numbered events, each linked to the one before.</summary>
    private sealed class Recorder
    {
        private readonly List<HistoryEvent> _events = [];

        public IReadOnlyList<HistoryEvent> Events => _events;

        public Recorder Add(string type, JsonObject? details = null)
        {
            _events.Add(new HistoryEvent(_events.Count + 1, _events.Count, T0.AddSeconds(_events.Count), type, details));
            return this;
        }

        public Recorder Started() => Add("ExecutionStarted", new JsonObject { ["executionStartedEventDetails"] = new JsonObject { ["input"] = "{}" } });

        public Recorder Enter(string type, string name) =>
            Add(type + "StateEntered", new JsonObject { ["stateEnteredEventDetails"] = new JsonObject { ["name"] = name, ["input"] = "{}" } });

        public Recorder Exit(string type, string name) =>
            Add(type + "StateExited", new JsonObject { ["stateExitedEventDetails"] = new JsonObject { ["name"] = name, ["output"] = "{}" } });

        public Recorder State(string type, string name) => Enter(type, name).Exit(type, name);

        public Recorder Task(string outcome) => Add("TaskScheduled").Add("TaskStarted").Add(outcome);
    }
}
