using System.Diagnostics;
using System.Text.Json.Nodes;
using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests.TestServer;

/// <summary>
/// A third opinion on the server's SigV4 verifier and request checks: Debian's AWS CLI (botocore's own signer and
/// serializers) must be accepted exactly like Hybrid's clients.
/// </summary>
public sealed class AwsCliCrossCheckTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""";

    private static string AwsCli => File.Exists("/usr/bin/aws") ? "/usr/bin/aws" : "aws";

    private static async Task<JsonNode> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(AwsCli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Concat(["--output", "json"]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = AwsTestServer.DefaultAccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = AwsTestServer.DefaultSecretAccessKey;
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/hybrid-aws-config";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/hybrid-aws-credentials";
        start.Environment["AWS_PAGER"] = "";
        start.Environment["AWS_MAX_ATTEMPTS"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The AWS CLI did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return JsonNode.Parse(await stdout)!;
    }

    [Fact]
    public async Task AwsCli_StepFunctionsIamAndSts_AreAcceptedByTheVerifier()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("cli"));
        using var clients = new AwsClients(Options());
        var started = await clients.StepFunctions.StartExecutionAsync(new StartExecutionRequest(machine, "cli-run", """{"k":"v"}"""));
        var roleName = Unique("cli-role");
        var role = await clients.Iam.CreateRoleAsync(new CreateRoleRequest(roleName, Trust, Tags: [new AwsTag("a", "1")]));

        var described = await RunAsync("stepfunctions", "describe-execution", "--execution-arn", started.ExecutionArn,
            "--endpoint-url", Server.StepFunctionsEndpoint.ToString());
        var tags = await RunAsync("iam", "list-role-tags", "--role-name", roleName, "--endpoint-url", Server.IamEndpoint.ToString());
        var assumed = await RunAsync("sts", "assume-role", "--role-arn", role.Arn, "--role-session-name", "cli-session",
            "--source-identity", "alice", "--tags", "Key=hybrid:subject,Value=alice", "--endpoint-url", Server.StsEndpoint.ToString());

        Assert.Equal("RUNNING", (string?)described["status"]);
        Assert.Equal("""{"k":"v"}""", (string?)described["input"]);
        Assert.Equal("1", (string?)tags["Tags"]![0]!["Value"]);
        Assert.Equal("alice", (string?)assumed["SourceIdentity"]);
        Assert.StartsWith("ASIA", (string?)assumed["Credentials"]!["AccessKeyId"], StringComparison.Ordinal);
        Assert.Equal(["StartExecution", "CreateRole", "DescribeExecution", "ListRoleTags", "AssumeRole"], Server.Requests.Select(r => r.Operation));
        Assert.All(Server.Requests, r => Assert.Null(r.ErrorCode));
    }
}
