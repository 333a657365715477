using System.Text.Json.Nodes;
using Hybrid.Testing;

namespace Hybrid.Cli.Tests.Commands;

/// <summary>Every sample runs through the CLI, as the samples' README shows, so none of them can rot.</summary>
public sealed class SampleTests
{
    private static string Sample(string name, string file) => RepoPaths.Combine("samples", name, file);

    public static IEnumerable<object[]> Definitions() =>
        Directory.EnumerateFiles(RepoPaths.Combine("samples"), "*.asl.json", SearchOption.AllDirectories).Select(f => new object[] { Path.GetRelativePath(RepoPaths.Root, f) });

    [Theory]
    [MemberData(nameof(Definitions))]
    public async Task EverySample_Validates(string relativePath)
    {
        var (code, output, _) = await CliRunner.RunAsync("validate", RepoPaths.Combine(relativePath));

        Assert.True(code == 0, output);
    }

    [Theory]
    [InlineData("Approved", 0, "SUCCEEDED", null)]
    [InlineData("Rejected", 1, "FAILED", "AccessRejected")]
    [InlineData("NoAnswer", 1, "FAILED", "AccessRequestExpired")]
    public async Task Approval_TestCases(string testCase, int exitCode, string status, string? error)
    {
        var result = await RunSampleAsync("approval", testCase);

        Assert.Equal(exitCode, result.Code);
        Assert.Equal(status, result.Json["status"]!.GetValue<string>());
        Assert.Equal(error, result.Json["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task Approval_SmallRequest_IsApprovedWithoutAPerson()
    {
        var (code, output, _) = await CliRunner.RunAsync("run", Sample("approval", "approval.asl.json"), "--input", """{"request":{"requester":"dan","role":"r","hours":1}}""", "--format", "json");

        Assert.Equal(0, code);
        Assert.Equal("policy:auto-approve-under-4h", JsonNode.Parse(output)!["output"]!["approver"]!.GetValue<string>());
    }

    [Fact]
    public async Task FanOut_PricesEveryLineAndRetriesThrottling()
    {
        var result = await RunSampleAsync("fan-out", "TwoLines");

        Assert.Equal(0, result.Code);
        var output = result.Json["output"]!;
        Assert.Equal(2, output["lines"]!.GetValue<int>());
        Assert.Equal(1649, output["cents"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("HappyPath", 0, "CREATED")]
    [InlineData("ThrottledThenCreated", 0, "CREATED")]
    [InlineData("AlreadyExists", 0, "EXISTING")]
    public async Task RetryCatch_SucceedingTestCases(string testCase, int exitCode, string outcome)
    {
        var result = await RunSampleAsync("retry-catch", testCase);

        Assert.Equal(exitCode, result.Code);
        Assert.Equal(outcome, result.Json["output"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task RetryCatch_UnrecoverableError_FailsWithTheServiceError()
    {
        var result = await RunSampleAsync("retry-catch", "Broken");

        Assert.Equal(1, result.Code);
        Assert.Equal("Iam.ServiceFailureException", result.Json["error"]!.GetValue<string>());
    }

    private static async Task<(int Code, JsonObject Json)> RunSampleAsync(string name, string testCase)
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "run", Sample(name, name + ".asl.json"),
            "--input-file", Sample(name, "input.json"),
            "--mock-config", Sample(name, name + ".mock.json"),
            "--test-case", testCase,
            "--skip-waits", "--format", "json");
        Assert.True(output.Length > 0, error);
        return (code, JsonNode.Parse(output)!.AsObject());
    }
}
