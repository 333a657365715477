using System.Text.Json.Nodes;
using Hybrid.Asl.Json;
using Xunit;

namespace Hybrid.Testing;

/// <summary>
/// The engine's fixture corpus (tests/Hybrid.Asl.Tests/Fixtures, format in its README.md): one JSON file per case with a
/// definition, an input, mocked Task answers and the result AWS gives. Every runner (direct, durable) runs the same cases.
/// </summary>
public static class AslCorpus
{
    public static string Folder => RepoPaths.Combine("tests", "Hybrid.Asl.Tests", "Fixtures");

    /// <summary>The fixed execution context every fixture runs with, so that <c>$$</c> is deterministic.</summary>
    public static class Context
    {
        public const string ExecutionId = "arn:aws:states:us-east-1:123456789012:execution:Fixture:fixture-execution";
        public const string ExecutionName = "fixture-execution";
        public const string StateMachineId = "arn:aws:states:us-east-1:123456789012:stateMachine:Fixture";
        public const string StateMachineName = "Fixture";
        public const string RoleArn = "arn:aws:iam::123456789012:role/fixture-role";
        public static readonly DateTimeOffset StartTime = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Case names (paths relative to the folder, with '/'), for xunit's MemberData.</summary>
    public static IEnumerable<object[]> Names() =>
        Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(name => new object[] { name });

    public static AslCase Load(string name)
    {
        var path = Path.Combine(Folder, name);
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{name}: a fixture must be a JSON object.");
        var expected = root["expected"] as JsonObject ?? throw new InvalidDataException($"{name}: 'expected' is required.");
        var status = expected["status"]?.GetValue<string>() ?? throw new InvalidDataException($"{name}: 'expected.status' is required.");
        return new AslCase(
            name,
            root["description"]?.GetValue<string>() ?? "",
            root["definition"] ?? throw new InvalidDataException($"{name}: 'definition' is required."),
            root.ContainsKey("input") ? root["input"] : new JsonObject(),
            root["mocks"] as JsonObject,
            status,
            expected["output"],
            expected.ContainsKey("output"),
            expected["error"]?.GetValue<string>(),
            expected["cause"]?.GetValue<string>());
    }
}

/// <summary>One fixture case.</summary>
public sealed record AslCase(
    string Name,
    string Description,
    JsonNode Definition,
    JsonNode? Input,
    JsonObject? Mocks,
    string ExpectedStatus,
    JsonNode? ExpectedOutput,
    bool HasExpectedOutput,
    string? ExpectedError,
    string? ExpectedCause)
{
    public override string ToString() => Name;

    /// <summary>Asserts that a run (of any runner) ended as AWS ends this case; the message shows both outcomes.</summary>
    public void AssertMatches(string status, JsonNode? output, string? error, string? cause)
    {
        var actual = $"status {status}, output {AslJson.ToJsonString(output)}, error {error}, cause {cause}";
        Assert.True(ExpectedStatus == status, $"{Name} ({Description})\nexpected status {ExpectedStatus}, got {actual}");
        if (HasExpectedOutput)
        {
            Assert.True(AslJson.DeepEquals(ExpectedOutput, output), $"{Name}\nexpected output {AslJson.ToJsonString(ExpectedOutput)}\ngot {actual}");
        }

        if (ExpectedError is not null)
        {
            Assert.True(ExpectedError == error, $"{Name}\nexpected error {ExpectedError}, got {actual}");
        }

        if (ExpectedCause is not null)
        {
            Assert.True(ExpectedCause == cause, $"{Name}\nexpected cause {ExpectedCause}\ngot {actual}");
        }
    }
}
