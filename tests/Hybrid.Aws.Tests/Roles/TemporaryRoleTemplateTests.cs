using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;
using Hybrid.Aws.Iam;
using Hybrid.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Aws.Tests.Roles;

/// <summary>
/// The temporary-role state machines of infra/aws, run by Hybrid's engine with their <c>aws-sdk:iam</c> tasks answered
/// by the strict IAM test server: creation with its tags, boundary and policy, then deletion after the TTL.
/// </summary>
public sealed class TemporaryRoleTemplateTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 22, 0, 0, TimeSpan.Zero);
    private const string Boundary = "arn:aws:iam::123456789012:policy/hybrid-boundary";
    private const string Expirer = "arn:aws:states:us-east-1:123456789012:stateMachine:hybrid-temporary-role-expirer";

    private readonly List<JsonNode?> _scheduled = [];

    private static IReadOnlyDictionary<string, string> Machines => AwsTemplate.StateMachines(new Dictionary<string, string>
    {
        ["BoundaryArn"] = Boundary,
        ["ExpirerArn"] = Expirer,
        ["MaxSessionSeconds"] = "7200",
        ["MaxTtlSeconds"] = "28800",
    });

    private async Task<ExecutionResult> RunAsync(string machine, JsonNode input)
    {
        var parsed = DefinitionParser.Parse(Machines[machine]);
        Assert.Empty(parsed.Diagnostics);
        var options = new DirectRunOptions { WaitMode = WaitMode.Skip, TimeProvider = new FakeTimeProvider(Start) };
        return await new DirectRunner(Handlers()).RunAsync(parsed.StateMachine!, input, options, ExecutionInfo.Local(machine, Unique("run"), Start, input, "us-east-1", "123456789012"));
    }

    /// <summary>The SDK integrations the machines use, each one IAM call; IAM errors become <c>Iam.&lt;Code&gt;Exception</c> as in AWS.</summary>
    private TaskHandlerRegistry Handlers()
    {
        var iam = Clients().Iam;
        static string Text(JsonNode? node) => node!.GetValue<string>();
        TaskHandler Sdk(Func<JsonNode, Task<JsonNode?>> call) => async (invocation, _) =>
        {
            try
            {
                return await call(invocation.Input!);
            }
            catch (AwsServiceException e)
            {
                throw new AslException($"Iam.{e.ErrorCode}Exception", e.Message);
            }
        };

        return new TaskHandlerRegistry()
            .Register("arn:aws:states:::aws-sdk:iam:createRole", Sdk(async a =>
            {
                var tags = a["Tags"]!.AsArray().Select(t => new AwsTag(Text(t!["Key"]), Text(t["Value"]))).ToList();
                var role = await iam.CreateRoleAsync(new CreateRoleRequest(
                    Text(a["RoleName"]), Text(a["AssumeRolePolicyDocument"]), Text(a["Path"]), Text(a["Description"]), JsonNumbers.TryGetInt64(a["MaxSessionDuration"], out var duration) ? (int)duration : throw new InvalidOperationException("MaxSessionDuration is not an integer."), Text(a["PermissionsBoundary"]), tags));
                return new JsonObject { ["Role"] = new JsonObject { ["Arn"] = role.Arn, ["RoleName"] = role.RoleName } };
            }))
            .Register("arn:aws:states:::aws-sdk:iam:putRolePolicy", Sdk(async a =>
            {
                await iam.PutRolePolicyAsync(Text(a["RoleName"]), Text(a["PolicyName"]), Text(a["PolicyDocument"]));
                return new JsonObject();
            }))
            .Register("arn:aws:states:::aws-sdk:iam:listRolePolicies", Sdk(async a =>
            {
                var page = await iam.ListRolePoliciesAsync(Text(a["RoleName"]));
                return new JsonObject { ["PolicyNames"] = new JsonArray([.. page.Items.Select(p => (JsonNode?)p)]), ["IsTruncated"] = page.IsTruncated };
            }))
            .Register("arn:aws:states:::aws-sdk:iam:deleteRolePolicy", Sdk(async a =>
            {
                await iam.DeleteRolePolicyAsync(Text(a["RoleName"]), Text(a["PolicyName"]));
                return new JsonObject();
            }))
            .Register("arn:aws:states:::aws-sdk:iam:deleteRole", Sdk(async a =>
            {
                await iam.DeleteRoleAsync(Text(a["RoleName"]));
                return new JsonObject();
            }))
            .Register("arn:aws:states:::states:startExecution", (invocation, _) =>
            {
                Assert.Equal(Expirer, invocation.Input!["StateMachineArn"]!.GetValue<string>());
                _scheduled.Add(invocation.Input["Input"]!.DeepClone());
                return ValueTask.FromResult<JsonNode?>(new JsonObject { ["ExecutionArn"] = Expirer.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":x" });
            });
    }

    private static JsonObject Request(string roleName, int duration = 3600, string expires = "2026-11-28T23:00:00Z") => new()
    {
        ["RoleName"] = roleName,
        ["Policy"] = JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"""),
        ["TrustedPrincipalArn"] = "arn:aws:iam::123456789012:role/analyst",
        ["DurationSeconds"] = duration,
        ["ExpiresAt"] = expires,
        ["HybridCaller"] = new JsonObject { ["Subject"] = "alice@example.com", ["ExecutionId"] = "arn:aws:states:local:000000000000:execution:temporary-access:r1" },
    };

    [Fact]
    public async Task CreateThenExpire_RoleIsTaggedBoundedAndPoliciedThenDeleted()
    {
        var name = Unique("tmp");

        var created = await RunAsync("CreatorStateMachine", Request(name));

        Assert.True(created.Status == "SUCCEEDED", $"{created.Error}: {created.Cause}");
        var role = Server.Iam.Role(name)!;
        Assert.Equal(role.Arn, created.Output!["RoleArn"]!.GetValue<string>());
        Assert.Equal("/hybrid/temporary/", role.Path);
        Assert.Equal(Boundary, role.PermissionsBoundary);
        Assert.Equal(3600, role.MaxSessionDuration);
        Assert.Equal(
            [new("hybrid:subject", "alice@example.com"), new("hybrid:execution", "arn:aws:states:local:000000000000:execution:temporary-access:r1"), new("hybrid:expires", "2026-11-28T23:00:00Z")],
            role.Tags);
        Assert.Equal(["hybrid-access"], role.InlinePolicies.Keys);
        Assert.Contains("arn:aws:iam::123456789012:role/analyst", role.TrustPolicy, StringComparison.Ordinal);
        var scheduled = Assert.Single(_scheduled)!;
        Assert.Equal(name, scheduled["RoleName"]!.GetValue<string>());

        var expired = await RunAsync("ExpirerStateMachine", scheduled);
        var again = await RunAsync("ExpirerStateMachine", scheduled);

        Assert.Equal("SUCCEEDED", expired.Status);
        Assert.True(expired.Output!["Deleted"]!.GetValue<bool>());
        Assert.Null(Server.Iam.Role(name));
        Assert.False(again.Output!["Deleted"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(50000, "2026-11-28T23:00:00Z")]
    [InlineData(1800, "2026-11-28T23:00:00Z")]
    [InlineData(3600, "2026-11-28T21:00:00Z")]
    [InlineData(3600, "2026-12-28T21:00:00Z")]
    public async Task Create_RequestOutOfBounds_FailsWithoutCreatingARole(int duration, string expires)
    {
        var name = Unique("tmp");

        var result = await RunAsync("CreatorStateMachine", Request(name, duration, expires));

        Assert.Equal("FAILED", result.Status);
        Assert.Equal("TemporaryRole.InvalidRequest", result.Error);
        Assert.Null(Server.Iam.Role(name));
    }

    [Fact]
    public async Task Create_PolicyRefused_SchedulesTheRolesDeletionAndFails()
    {
        var name = Unique("tmp");
        Server.Faults.EnqueueError("iam", "PutRolePolicy", "MalformedPolicyDocument", 400, "Syntax errors in policy.");

        var result = await RunAsync("CreatorStateMachine", Request(name));

        Assert.True(result.Error == "TemporaryRole.PolicyRefused", $"{result.Error}: {result.Cause}");
        Assert.Equal(name, Assert.Single(_scheduled)!["RoleName"]!.GetValue<string>());
    }
}
