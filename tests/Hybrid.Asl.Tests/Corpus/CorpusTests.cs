using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;
using Hybrid.Testing;

namespace Hybrid.Asl.Tests.Corpus;

/// <summary>Runs every case of the fixture corpus through the direct runner.</summary>
public sealed class CorpusTests
{
    public static IEnumerable<object[]> Cases() => AslCorpus.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DirectRunner_FixtureCase_MatchesAws(string name)
    {
        var fixture = AslCorpus.Load(name);
        var result = await CorpusRunner.RunDirectAsync(fixture);
        CorpusRunner.AssertMatches(fixture, result);
    }

    [Fact]
    public void AssertMatches_WrongOutputErrorOrStatus_Fails()
    {
        var fixture = AslCorpus.Load(AslCorpus.Names().Select(n => (string)n[0]).First(n => n.StartsWith("pass/", StringComparison.Ordinal)));
        var right = fixture.ExpectedOutput;

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => fixture.AssertMatches("FAILED", right, null, null));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => fixture.AssertMatches(fixture.ExpectedStatus, new JsonObject { ["surely"] = "not" }, null, null));
        fixture.AssertMatches(fixture.ExpectedStatus, right, fixture.ExpectedError, fixture.ExpectedCause);
    }

    [Fact]
    public void Corpus_HasAtLeast300Cases()
    {
        Assert.True(AslCorpus.Names().Count() >= 300, $"The corpus has {AslCorpus.Names().Count()} cases; the engine issue asks for at least 300.");
    }
}

/// <summary>Runs a fixture with the direct runner and checks the outcome against what AWS gives.</summary>
internal static class CorpusRunner
{
    public static ExecutionInfo Execution(JsonNode? input) => new(
        AslCorpus.Context.ExecutionId,
        AslCorpus.Context.ExecutionName,
        AslCorpus.Context.StateMachineId,
        AslCorpus.Context.StateMachineName,
        AslCorpus.Context.StartTime,
        input,
        AslCorpus.Context.RoleArn);

    public static MockedTaskResponses? Mocks(AslCase fixture)
    {
        if (fixture.Mocks is null)
        {
            return null;
        }

        var table = new Dictionary<string, IReadOnlyList<MockedResponse>>(StringComparer.Ordinal);
        foreach (var (state, responses) in fixture.Mocks)
        {
            table[state] = MockConfig.ParseResponses(responses, $"{fixture.Name}#/mocks/{state}");
        }

        return new MockedTaskResponses(table);
    }

    /// <summary>Unmocked Task states return their effective input.</summary>
    public static TaskHandlerRegistry EchoHandlers() => new TaskHandlerRegistry().Register("*", input => input?.DeepClone());

    public static async Task<ExecutionResult> RunDirectAsync(AslCase fixture)
    {
        var parsed = DefinitionParser.Parse(fixture.Definition);
        Assert.True(parsed.IsValid, $"{fixture.Name}: the definition is invalid:\n{string.Join("\n", parsed.Errors)}");
        var options = new DirectRunOptions { WaitMode = WaitMode.Skip, Entropy = new SeededEntropy(42), Mocks = Mocks(fixture) };
        return await new DirectRunner(EchoHandlers()).RunAsync(parsed.StateMachine!, fixture.Input?.DeepClone(), options, Execution(fixture.Input?.DeepClone()));
    }

    public static void AssertMatches(AslCase fixture, ExecutionResult result) =>
        fixture.AssertMatches(result.Status, result.Output, result.Error, result.Cause);
}
