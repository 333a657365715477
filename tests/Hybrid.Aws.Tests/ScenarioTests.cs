using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.Sts;

namespace Hybrid.Aws.Tests;

/// <summary>The call sequences the bridge and the role sweeper will make, end to end against the test server.</summary>
public sealed class ScenarioTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"states:StartExecution","Resource":"*"}]}""";

    [Fact]
    public async Task StartExecution_SameNameFromConcurrentRetries_StartsOneExecution()
    {
        var machine = Server.StepFunctions.AddStateMachine(Unique("race"));
        var sfn = Clients().StepFunctions;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sfn.StartExecutionAsync(new StartExecutionRequest(machine, "instance-1-step-3", """{"n":1}"""))));

        Assert.Single(results.Select(r => r.ExecutionArn).Distinct());
        Assert.Single(Server.StepFunctions.Executions, e => e.StateMachineArn == machine);
    }

    [Fact]
    public async Task TemporaryRole_CreateAssumeUseAndSweep_LeavesNothingBehind()
    {
        var aws = Clients();
        var path = $"/{Unique("hybrid-temp")}/";
        var machine = Server.StepFunctions.AddStateMachine(Unique("child"));
        var roles = new List<IamRole>();
        for (var i = 0; i < 3; i++)
        {
            var role = await aws.Iam.CreateRoleAsync(new CreateRoleRequest($"{Unique("tmp")}-{i}", Trust, path, MaxSessionDuration: 3600,
                Tags: [new AwsTag("hybrid:expires", "2026-01-01T00:00:00Z")]));
            await aws.Iam.PutRolePolicyAsync(role.RoleName, "run", Policy);
            roles.Add(role);
        }

        var session = await aws.Sts.AssumeRoleAsync(new AssumeRoleRequest(roles[0].Arn, "run-1", "alice", [new AwsTag("hybrid:subject", "alice")]));
        var asRole = Clients(Options(new Amazon.Runtime.SessionAWSCredentials(
            session.Credentials.AccessKeyId, session.Credentials.SecretAccessKey, session.Credentials.SessionToken)));
        var started = await asRole.StepFunctions.StartExecutionAsync(new StartExecutionRequest(machine, "run-1"));

        // The sweeper: every role under the path, page by page; inline policies first, then the role.
        string? marker = null;
        do
        {
            var page = await aws.Iam.ListRolesAsync(path, new IamPaging(marker, 2));
            foreach (var role in page.Items)
            {
                foreach (var policy in (await aws.Iam.ListRolePoliciesAsync(role.RoleName)).Items)
                {
                    await aws.Iam.DeleteRolePolicyAsync(role.RoleName, policy);
                }

                await aws.Iam.DeleteRoleAsync(role.RoleName);
            }

            marker = page.IsTruncated ? page.Marker : null;
        }
        while (marker is not null);

        Assert.Equal(session.Credentials.AccessKeyId, Server.Requests.Single(r => r.Operation == "StartExecution").AccessKeyId);
        Assert.Equal("RUNNING", Server.StepFunctions.Execution(started.ExecutionArn).Status);
        Assert.Empty((await aws.Iam.ListRolesAsync(path)).Items);
    }
}
