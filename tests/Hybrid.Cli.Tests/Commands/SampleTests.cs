using System.Text.Json.Nodes;
using Hybrid.Testing;

namespace Hybrid.Cli.Tests.Commands;

/// <summary>
/// Every sample runs through the CLI, as the samples' README shows, so none of them can rot. Each sample has a JSONPath
/// definition and a JSONata one (<c>-jsonata</c>) that must end the same way.
/// </summary>
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
    [InlineData("", "Approved", 0, "SUCCEEDED", null)]
    [InlineData("", "Rejected", 1, "FAILED", "AccessRejected")]
    [InlineData("", "NoAnswer", 1, "FAILED", "AccessRequestExpired")]
    [InlineData("-jsonata", "Approved", 0, "SUCCEEDED", null)]
    [InlineData("-jsonata", "Rejected", 1, "FAILED", "AccessRejected")]
    [InlineData("-jsonata", "NoAnswer", 1, "FAILED", "AccessRequestExpired")]
    public async Task Approval_TestCases(string variant, string testCase, int exitCode, string status, string? error)
    {
        var result = await RunSampleAsync("approval", variant, testCase);

        Assert.Equal(exitCode, result.Code);
        Assert.Equal(status, result.Json["status"]!.GetValue<string>());
        Assert.Equal(error, result.Json["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task ApprovalJsonata_Rejected_CauseIsBuiltByJsonata()
    {
        var result = await RunSampleAsync("approval", "-jsonata", "Rejected");

        Assert.Equal("Request by alice was rejected by carol", result.Json["cause"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("approval.asl.json")]
    [InlineData("approval-jsonata.asl.json")]
    public async Task Approval_SmallRequest_IsApprovedWithoutAPerson(string file)
    {
        var (code, output, _) = await CliRunner.RunAsync("run", Sample("approval", file), "--input", """{"request":{"requester":"dan","role":"r","hours":1}}""", "--format", "json");

        Assert.Equal(0, code);
        Assert.Equal("policy:auto-approve-under-4h", JsonNode.Parse(output)!["output"]!["approver"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-jsonata")]
    public async Task FanOut_PricesEveryLineAndRetriesThrottling(string variant)
    {
        var result = await RunSampleAsync("fan-out", variant, "TwoLines");

        Assert.Equal(0, result.Code);
        var output = result.Json["output"]!;
        Assert.Equal(2, output["lines"]!.GetValue<int>());
        Assert.Equal(1649, output["cents"]!.GetValue<int>());
        Assert.Equal("""["A-1","B-2"]""", output["skus"]!.ToJsonString());
    }

    [Fact]
    public async Task FanOutJsonata_FormatsTheTotal()
    {
        var result = await RunSampleAsync("fan-out", "-jsonata", "TwoLines");

        Assert.Equal("16.49", result.Json["output"]!["total"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "HappyPath", 0, "CREATED")]
    [InlineData("", "ThrottledThenCreated", 0, "CREATED")]
    [InlineData("", "AlreadyExists", 0, "EXISTING")]
    [InlineData("-jsonata", "HappyPath", 0, "CREATED")]
    [InlineData("-jsonata", "ThrottledThenCreated", 0, "CREATED")]
    [InlineData("-jsonata", "AlreadyExists", 0, "EXISTING")]
    public async Task RetryCatch_SucceedingTestCases(string variant, string testCase, int exitCode, string outcome)
    {
        var result = await RunSampleAsync("retry-catch", variant, testCase);

        Assert.Equal(exitCode, result.Code);
        Assert.Equal(outcome, result.Json["output"]!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-jsonata")]
    public async Task RetryCatch_UnrecoverableError_FailsWithTheServiceError(string variant)
    {
        var result = await RunSampleAsync("retry-catch", variant, "Broken");

        Assert.Equal(1, result.Code);
        Assert.Equal("Iam.ServiceFailureException", result.Json["error"]!.GetValue<string>());
        Assert.Equal("Internal failure", result.Json["cause"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "Approved", 0, "SUCCEEDED", null)]
    [InlineData("", "Rejected", 1, "FAILED", "AccessRejected")]
    [InlineData("", "RoleRefused", 1, "FAILED", "TemporaryRoleFailed")]
    [InlineData("-jsonata", "Approved", 0, "SUCCEEDED", null)]
    [InlineData("-jsonata", "Rejected", 1, "FAILED", "AccessRejected")]
    [InlineData("-jsonata", "RoleRefused", 1, "FAILED", "TemporaryRoleFailed")]
    public async Task TemporaryAccess_TestCases(string variant, string testCase, int exitCode, string status, string? error)
    {
        var result = await RunSampleAsync("temporary-access", variant, testCase);

        Assert.Equal(exitCode, result.Code);
        Assert.Equal(status, result.Json["status"]!.GetValue<string>());
        Assert.Equal(error, result.Json["error"]?.GetValue<string>());
        if (status == "SUCCEEDED")
        {
            Assert.Equal("arn:aws:iam::123456789012:role/hybrid/temporary/hybrid-alice-run-1", result.Json["output"]!["role"]!.GetValue<string>());
            Assert.Equal("s3://monthly-reports/2026-11.csv", result.Json["output"]!["report"]!.GetValue<string>());
        }
    }

    private static async Task<(int Code, JsonObject Json)> RunSampleAsync(string name, string variant, string testCase)
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "run", Sample(name, name + variant + ".asl.json"),
            "--input-file", Sample(name, "input.json"),
            "--mock-config", Sample(name, name + variant + ".mock.json"),
            "--test-case", testCase,
            "--skip-waits", "--format", "json");
        Assert.True(output.Length > 0, error);
        return (code, JsonNode.Parse(output)!.AsObject());
    }
}
