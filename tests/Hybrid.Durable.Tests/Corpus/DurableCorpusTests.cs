using Hybrid.Asl.Json;
using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;
using Hybrid.Testing;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Durable.Tests.Corpus;

/// <summary>Starts the durable host once for the whole corpus.</summary>
public class CorpusHostFixture : IAsyncLifetime
{
    internal MockMiddleware Mocks { get; } = new();

    internal DurableHost Host { get; private set; } = null!;

    /// <summary>The backend's options: the defaults (every episode replays).</summary>
    protected virtual DurableBackendOptions Backend => new();

    public async Task InitializeAsync() =>
        Host = await DurableHost.StartAsync(
            FolderWorkflowRegistry.FromSources([]),
            handlers => handlers.Register("*", input => input?.DeepClone()),
            Backend,
            configure: services => services.AddSingleton<IDispatchMiddleware>(Mocks));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The corpus host with orchestration sessions on: episodes resume instead of replaying.</summary>
public sealed class SessionCorpusHostFixture : CorpusHostFixture
{
    protected override DurableBackendOptions Backend => new() { SessionIdleTimeout = TimeSpan.FromSeconds(30) };
}

/// <summary>The engine's whole fixture corpus through the durable runner, on the in-memory backend: the same results as the direct runner.</summary>
public abstract class DurableCorpusTestsBase(CorpusHostFixture fixture)
{
    public static IEnumerable<object[]> Cases() => AslCorpus.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DurableRunner_FixtureCase_MatchesAws(string name)
    {
        var result = await DurableCorpus.RunAsync(fixture.Host, fixture.Mocks, AslCorpus.Load(name));

        DurableCorpus.AssertMatches(AslCorpus.Load(name), result);
    }
}

/// <summary>The corpus with the backend's defaults (every episode replays).</summary>
public sealed class DurableCorpusTests(CorpusHostFixture fixture) : DurableCorpusTestsBase(fixture), IClassFixture<CorpusHostFixture>;

/// <summary>The corpus with orchestration sessions on (<c>DurableBackendOptions.SessionIdleTimeout</c>): the same results.</summary>
public sealed class DurableCorpusSessionTests(SessionCorpusHostFixture fixture) : DurableCorpusTestsBase(fixture), IClassFixture<SessionCorpusHostFixture>;

/// <summary>Runs corpus cases as durable executions, with the fixed context the corpus expects.</summary>
internal static class DurableCorpus
{
    private static int _counter;

    public static async Task<ExecutionDescription> RunAsync(DurableHost host, MockMiddleware mocks, AslCase fixture, TimeSpan? timeout = null)
    {
        var instanceId = $"Fixture:case-{Interlocked.Increment(ref _counter)}-{Path.GetFileNameWithoutExtension(fixture.Name)}";
        if (fixture.Mocks is not null)
        {
            var table = new Dictionary<string, IReadOnlyList<MockedResponse>>(StringComparer.Ordinal);
            foreach (var (state, responses) in fixture.Mocks)
            {
                table[state] = MockConfig.ParseResponses(responses, state);
            }

            mocks.Add(instanceId, new MockedTaskResponses(table));
        }

        var input = AslJson.ToJsonString(fixture.Input);
        var meta = new ExecutionMeta(
            instanceId,
            AslCorpus.Context.ExecutionId,
            AslCorpus.Context.ExecutionName,
            AslCorpus.Context.StateMachineName,
            AslCorpus.Context.StateMachineId,
            AslCorpus.Context.StartTime,
            input,
            AslCorpus.Context.RoleArn,
            null,
            null,
            null);
        var definition = fixture.Definition.ToJsonString();
        var timeoutSeconds = fixture.Definition["TimeoutSeconds"]?.GetValue<int>();
        var run = new MachineRun(
            definition,
            input,
            meta,
            IsRoot: true,
            null,
            null,
            timeoutSeconds is { } t ? AslCorpus.Context.StartTime.AddSeconds(t) : null,
            null,
            0,
            RunSettings.Default with { SkipWaits = true });
        await host.Client.ScheduleNewOrchestrationInstanceAsync(DurableNames.Machine, run, new StartOrchestrationOptions(instanceId));
        return await host.WaitAsync(instanceId, timeout);
    }

    public static void AssertMatches(AslCase fixture, ExecutionDescription result) =>
        fixture.AssertMatches(result.Status, result.Output, result.Error, result.Cause);
}
