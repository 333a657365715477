using System.Text.Json.Nodes;

namespace Hybrid.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static JsonObject Json(string output) => JsonNode.Parse(output)!.AsObject();

    [Fact]
    public async Task Run_JsonFormat_PrintsExactlyOneObjectWithStatusAndOutput()
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, $.b)"},"End":true}}}""");

        var (code, output, _) = await CliRunner.RunAsync("run", file, "--input", """{"a":1,"b":2}""", "--format", "json");

        Assert.Equal(0, code);
        var result = Json(output);
        Assert.Equal("SUCCEEDED", result["status"]!.GetValue<string>());
        Assert.Equal(3, result["output"]!["sum"]!.GetValue<int>());
        Assert.False(result.ContainsKey("error"));
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Run_FailedExecution_ExitsOneWithErrorAndCause()
    {
        var file = Write("m.asl.json", """{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"it broke"}}}""");

        var (code, output, _) = await CliRunner.RunAsync("run", file, "--format", "json");

        Assert.Equal(1, code);
        var result = Json(output);
        Assert.Equal("FAILED", result["status"]!.GetValue<string>());
        Assert.Equal("Boom", result["error"]!.GetValue<string>());
        Assert.Equal("it broke", result["cause"]!.GetValue<string>());
        Assert.False(result.ContainsKey("output"));
    }

    [Fact]
    public async Task Run_TimedOut_ExitsOne()
    {
        var file = Write("m.asl.json", """{"StartAt":"W","TimeoutSeconds":1,"States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}""");

        var (code, output, _) = await CliRunner.RunAsync("run", file, "--format", "json", "--skip-waits");

        Assert.Equal(1, code);
        Assert.Equal("TIMED_OUT", Json(output)["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_SkipWaits_MovesTheVirtualClockWithoutWaiting()
    {
        var file = Write("m.asl.json", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"Next":"P"},"P":{"Type":"Pass","Parameters":{"t.$":"$$.State.EnteredTime","s.$":"$$.Execution.StartTime"},"End":true}}}""");

        var (code, output, _) = await CliRunner.RunAsync("run", file, "--format", "json", "--skip-waits");

        Assert.Equal(0, code);
        var result = Json(output)["output"]!;
        var waited = DateTimeOffset.Parse(result["t"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(result["s"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(1), waited);
    }

    [Fact]
    public async Task Run_History_AddsStepFunctionsEvents()
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""");

        var (code, output, _) = await CliRunner.RunAsync("run", file, "--format", "json", "--history");

        Assert.Equal(0, code);
        var types = Json(output)["history"]!.AsArray().Select(e => e!["type"]!.GetValue<string>());
        Assert.Equal(["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"], types);
    }

    [Fact]
    public async Task Run_TextFormat_TracesStatesAndPrintsTheResult()
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"Next":"B"},"B":{"Type":"Succeed"}}}""");

        var (code, output, _) = await CliRunner.RunAsync("run", file);

        Assert.Equal(0, code);
        Assert.Equal(["-> A (Pass)", "-> B (Succeed)", "SUCCEEDED", """{"x":1}"""], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--input", "{oops", "not valid JSON")]
    [InlineData("--input-file", "/nonexistent/input.json", "cannot read")]
    public async Task Run_BadInput_ExitsTwo(string option, string value, string message)
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""");

        var (code, _, error) = await CliRunner.RunAsync("run", file, option, value);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidDefinition_ExitsTwoWithDiagnostics()
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass"}}}""");

        var (code, output, error) = await CliRunner.RunAsync("run", file, "--format", "json");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("/States/A: SCHEMA_VALIDATION_FAILED", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputAndInputFileTogether_AreRejected()
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""");

        var (code, _, error) = await CliRunner.RunAsync("run", file, "--input", "{}", "--input-file", file);

        Assert.NotEqual(0, code);
        Assert.Contains("not both", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MockConfigWithoutTestCase_IsRejected()
    {
        var file = Write("m.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""");

        var (code, _, error) = await CliRunner.RunAsync("run", file, "--mock-config", file);

        Assert.NotEqual(0, code);
        Assert.Contains("go together", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownTestCase_ExitsTwoListingTheKnownOnes()
    {
        var file = Write("m.asl.json", """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","End":true}}}""");
        var mocks = Write("mocks.json", """{"StateMachines":{"m":{"TestCases":{"Good":{"T":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1}}}}""");

        var (code, _, error) = await CliRunner.RunAsync("run", file, "--mock-config", mocks, "--test-case", "Bad");

        Assert.Equal(2, code);
        Assert.Contains("Good", error, StringComparison.Ordinal);
    }
}
