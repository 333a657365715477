using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Durable.Tests.Corpus;
using Hybrid.Host.Backends;
using Hybrid.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>One Azurite and one durable host on the Azure Storage backend for the Azurite tests.</summary>
public sealed class AzuriteHostFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = new();

    internal MockMiddleware Mocks { get; } = new();

    internal DurableHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Host = await DurableHost.StartAsync(
            FolderWorkflowRegistry.FromSources([]),
            handlers => handlers.Register("*", input => input?.DeepClone()),
            Backend("CorpusHub"),
            services =>
            {
                services.AddSingleton<IDispatchMiddleware>(Mocks);
                services.AddSingleton<IExecutionHistoryStore>(new TableExecutionHistoryStore(Azurite.ConnectionString, "HybridEvents"));
                services.AddSingleton<IStartedTaskStore>(new TableStartedTaskStore(Azurite.ConnectionString, TableStartedTaskStore.NameBeside("HybridEvents")));
            });
    }

    public DurableBackendOptions Backend(string taskHub) =>
        new() { Backend = DurableBackendKind.AzureStorage, ConnectionString = Azurite.ConnectionString, TaskHub = taskHub, WorkerId = "tests" };

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteHostFixture>
{
    public const string Name = "Durable on Azurite";
}

/// <summary>A representative part of the corpus, and a large Map, on the Azure Storage backend against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteTests(AzuriteHostFixture fixture, ITestOutputHelper output)
{
    /// <summary>Every sixth case, and every Map and Parallel case: the ones that exercise sub-orchestrations.</summary>
    public static IEnumerable<object[]> Representative() =>
        AslCorpus.Names().Where((n, i) => i % 6 == 0 || ((string)n[0]).StartsWith("map/", StringComparison.Ordinal) || ((string)n[0]).StartsWith("parallel/", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Representative))]
    public async Task DurableRunner_OnAzurite_MatchesAws(string name)
    {
        var fixtureCase = AslCorpus.Load(name);

        var result = await DurableCorpus.RunAsync(fixture.Host, fixture.Mocks, fixtureCase, TimeSpan.FromMinutes(3));

        DurableCorpus.AssertMatches(fixtureCase, result);
        var history = await fixture.Host.Executions.GetHistoryAsync(result.ExecutionId);
        Assert.Equal("ExecutionStarted", history![0].Type);
        Assert.StartsWith("Execution", history[^1].Type, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map1000Items_OnAzurite_CompletesWithBoundedChildrenPerOrchestration()
    {
        await new LargeMapTests(output).RunAsync(fixture.Backend("BigMapHub"), 1_000, TimeSpan.FromMinutes(8));
    }
}
