using Amazon.Runtime;
using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.Sts;
using Hybrid.Aws.TestServer;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Aws.Tests.Sts;

/// <summary>A server of its own on a fake clock that the clients share, so a session can expire without waiting.</summary>
public sealed class SessionExpiryTests
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""";

    [Fact]
    public async Task AnyOperation_SessionCredentialsExpired_ThrowsExpiredTokenAsAuthenticationFailure()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await AwsTestServer.StartAsync(time: clock);
        var options = new AwsClientOptions
        {
            StepFunctionsEndpoint = server.StepFunctionsEndpoint,
            StepFunctionsSyncEndpoint = server.StepFunctionsSyncEndpoint,
            IamEndpoint = server.IamEndpoint,
            StsEndpoint = server.StsEndpoint,
            Credentials = new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, AwsTestServer.DefaultSecretAccessKey),
            Retry = new AwsRetryOptions { MaxAttempts = 1 },
        };
        using var admin = new AwsClients(options, null, clock);
        var role = await admin.Iam.CreateRoleAsync(new CreateRoleRequest("expiring", Trust));
        var session = await admin.Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "short", DurationSeconds: 900));
        var machine = server.StepFunctions.AddStateMachine("expiry");
        using var asRole = new AwsClients(options with
        {
            Credentials = new SessionAWSCredentials(session.Credentials.AccessKeyId, session.Credentials.SecretAccessKey, session.Credentials.SessionToken),
        }, null, clock);

        await asRole.StepFunctions.StartExecutionAsync(new StartExecutionRequest(machine, "before"));
        clock.Advance(TimeSpan.FromMinutes(16));
        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => asRole.StepFunctions.StartExecutionAsync(new StartExecutionRequest(machine, "after")));

        Assert.Equal("ExpiredTokenException", ex.ErrorCode);
        Assert.Equal("ExpiredTokenException", Assert.Single(server.Rejections).Code);
        Assert.Single(server.StepFunctions.Executions);
    }
}
