using Amazon.Runtime;
using Hybrid.Aws.Iam;
using Hybrid.Aws.Sts;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests.Sts;

public sealed class StsClientTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}""";

    private async Task<IamRole> RoleAsync(int maxSessionDuration = 3600)
        => await Clients().Iam.CreateRoleAsync(new CreateRoleRequest(Unique("sts-role"), Trust, MaxSessionDuration: maxSessionDuration));

    [Fact]
    public async Task AssumeRole_TagsAndSourceIdentity_ReturnsCredentialsAndRecordsSession()
    {
        var role = await RoleAsync();
        var sts = Clients().Sts;

        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "hybrid-run-1", "alice@example.com",
            [new AwsTag("hybrid:subject", "alice"), new AwsTag("hybrid:workflow", "wf-1")], ["hybrid:subject"], 900));

        Assert.StartsWith("ASIA", assumed.Credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(assumed.Credentials.SessionToken));
        Assert.Equal($"arn:aws:sts::{AwsTestServer.AccountId}:assumed-role/{role.RoleName}/hybrid-run-1", assumed.AssumedRoleArn);
        Assert.Equal($"{role.RoleId}:hybrid-run-1", assumed.AssumedRoleId);
        Assert.Equal("alice@example.com", assumed.SourceIdentity);
        var session = Server.Sts.Sessions.Single(s => s.AccessKeyId == assumed.Credentials.AccessKeyId);
        Assert.Equal([new("hybrid:subject", "alice"), new("hybrid:workflow", "wf-1")], session.Tags);
        Assert.Equal(["hybrid:subject"], session.TransitiveTagKeys);
        Assert.Equal(session.Expiration.ToUnixTimeSeconds(), assumed.Credentials.Expiration.ToUnixTimeSeconds());
        Assert.DoesNotContain(assumed.Credentials.SecretAccessKey, assumed.Credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_ChainedWithSessionCredentials_InheritsSourceIdentityAndCapsDuration()
    {
        var first = await RoleAsync(maxSessionDuration: 43200);
        var second = await RoleAsync(maxSessionDuration: 43200);
        var assumed = await Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(first.Arn, "outer", "alice"));
        var chainedSts = Clients(Options(new SessionAWSCredentials(
            assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken))).Sts;

        var chained = await chainedSts.AssumeRoleAsync(new AssumeRoleRequest(second.Arn, "inner"));
        var tooLong = await Assert.ThrowsAsync<StsValidationException>(() => chainedSts.AssumeRoleAsync(new AssumeRoleRequest(second.Arn, "inner", DurationSeconds: 7200)));

        Assert.Equal("alice", chained.SourceIdentity);
        Assert.True(Server.Sts.Sessions.Single(s => s.AccessKeyId == chained.Credentials.AccessKeyId).Chained);
        Assert.Contains("1 hour", tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_DurationAboveRoleMaximum_ThrowsValidation()
    {
        var role = await RoleAsync();

        await Assert.ThrowsAsync<StsValidationException>(() => Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1", DurationSeconds: 7200)));
    }

    [Fact]
    public async Task AssumeRole_UnknownRole_ThrowsAccessDenied()
    {
        var ex = await Assert.ThrowsAsync<AwsAccessDeniedException>(() => Clients().Sts.AssumeRoleAsync(
            new AssumeRoleRequest($"arn:aws:iam::{AwsTestServer.AccountId}:role/ghost", "s1")));

        Assert.Equal(403, (int)ex.StatusCode);
        Assert.Equal("AssumeRole", ex.Details.Operation);
    }

    [Fact]
    public async Task AssumeRole_MalformedSessionPolicy_ThrowsMalformedPolicyDocument()
    {
        var role = await RoleAsync();

        await Assert.ThrowsAsync<StsMalformedPolicyDocumentException>(() => Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1", Policy: "{broken")));
    }

    [Fact]
    public async Task AssumeRole_Throttled_RetriesWithBackoffThenSucceeds()
    {
        var role = await RoleAsync();
        Server.Faults.Enqueue("sts", "AssumeRole", FaultKind.Throttle, times: 2);

        var assumed = await Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1"));

        Assert.NotNull(assumed.Credentials);
        Assert.Equal(3, CountRequests("sts", "AssumeRole"));
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], Delays);
    }

    [Fact]
    public async Task AssumeRole_WrongSecret_ThrowsAuthenticationWithoutRetry()
    {
        var role = await RoleAsync();
        var sts = Clients(Options(new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, "wrong"))).Sts;

        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1")));

        Assert.Equal("SignatureDoesNotMatch", ex.ErrorCode);
        Assert.Equal("SignatureDoesNotMatch", Assert.Single(Server.Rejections).Code);
        Assert.Empty(Delays);
        Server.ClearLog();
    }

    [Fact]
    public async Task AssumeRole_MalformedResponse_ThrowsParseExceptionNamingOperation()
    {
        var role = await RoleAsync();
        Server.Faults.Enqueue("sts", "AssumeRole", FaultKind.MalformedResponse);

        var ex = await Assert.ThrowsAsync<AwsResponseParseException>(() => Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1")));

        Assert.Equal("AssumeRole", ex.Operation);
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_AcceptedToken_ReturnsCredentialsAndClaims()
    {
        var role = await RoleAsync();
        var token = "eyJ." + Guid.NewGuid().ToString("N");
        Server.Sts.AcceptWebIdentityToken(token, new WebIdentity("alice-subject", "hybrid-client", "https://ping.example.com"));

        var assumed = await Clients().Sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest(role.Arn, "web-1", token, 900));

        Assert.Equal("alice-subject", assumed.SubjectFromWebIdentityToken);
        Assert.Equal("hybrid-client", assumed.Audience);
        Assert.Equal("https://ping.example.com", assumed.Provider);
        Assert.StartsWith("ASIA", assumed.Credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal("alice-subject", Server.Sts.Sessions.Single(s => s.AccessKeyId == assumed.Credentials.AccessKeyId).WebIdentitySubject);
        Assert.Null(Server.Requests.Single(r => r.Operation == "AssumeRoleWithWebIdentity").AccessKeyId);
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_UnknownToken_ThrowsInvalidIdentityToken()
    {
        var role = await RoleAsync();

        await Assert.ThrowsAsync<InvalidIdentityTokenException>(() => Clients().Sts.AssumeRoleWithWebIdentityAsync(
            new AssumeRoleWithWebIdentityRequest(role.Arn, "web-1", "not-a-registered-token")));
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_ExpiredToken_ThrowsExpiredToken()
    {
        var role = await RoleAsync();
        Server.Sts.AcceptWebIdentityToken("expired-token", new WebIdentity("s", "a", "p", Expired: true));

        await Assert.ThrowsAsync<ExpiredTokenException>(() => Clients().Sts.AssumeRoleWithWebIdentityAsync(
            new AssumeRoleWithWebIdentityRequest(role.Arn, "web-1", "expired-token")));
    }

    [Fact]
    public async Task AssumeRole_NothingListening_RetriesTransportFailureThenThrows()
    {
        var sts = Clients(Options() with { StsEndpoint = new Uri($"http://127.0.0.1:{Hybrid.Testing.FreePorts.Next()}/") }).Sts;

        await Assert.ThrowsAsync<HttpRequestException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest($"arn:aws:iam::{AwsTestServer.AccountId}:role/x", "s1")));

        Assert.Equal(3, Delays.Count);
    }

    [Fact]
    public async Task AssumeRole_EveryAttemptTimesOut_ThrowsTimeoutNamingOperation()
    {
        var role = await RoleAsync();
        Server.Faults.Enqueue("sts", "AssumeRole", FaultKind.Hang, times: 2, match: input => input["RoleArn"]?.GetValue<string>() == role.Arn);
        var sts = Clients(Options(retry: new AwsRetryOptions { MaxAttempts = 2 }) with { AttemptTimeout = TimeSpan.FromSeconds(2) }).Sts;

        var thrown = await Record.ExceptionAsync(() => sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1")));

        // Under load it once failed with no exception (the SDK resent a timed-out attempt): say what the server saw.
        Assert.True(thrown is TimeoutException, $"Expected a TimeoutException, got {thrown?.GetType().Name ?? "none"}; the server saw: {string.Join(", ", Server.Requests.Select(r => $"{r.Operation} {r.StatusCode} {r.ErrorCode}"))}.");
        var ex = (TimeoutException)thrown!;
        Assert.Contains("sts AssumeRole", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, await CountRequestsAsync("sts", "AssumeRole", 2));
    }

    [Fact]
    public async Task AssumeRole_ConnectionClosedWithoutAnswer_IsRetriedByTheRetryPolicy()
    {
        var role = await RoleAsync();
        Server.Faults.Enqueue("sts", "AssumeRole", FaultKind.Disconnect, match: input => input["RoleArn"]?.GetValue<string>() == role.Arn);

        var assumed = await Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1"));

        // One retry, and it is the policy's (with its backoff), not a resend the SDK makes unseen.
        Assert.Equal(role.Arn, Server.Sts.Sessions.Single(s => s.AccessKeyId == assumed.Credentials.AccessKeyId).RoleArn);
        Assert.Equal(["(disconnect)", null], Server.Requests.Where(r => r.Operation == "AssumeRole").Select(r => r.ErrorCode));
        Assert.Equal([TimeSpan.FromMilliseconds(100)], Delays);
    }

    [Fact]
    public async Task AssumeRole_EveryConnectionClosedWithoutAnswer_ThrowsTransportFailureAfterMaxAttempts()
    {
        var role = await RoleAsync();
        Server.Faults.Enqueue("sts", "AssumeRole", FaultKind.Disconnect, times: 20, match: input => input["RoleArn"]?.GetValue<string>() == role.Arn);

        await Assert.ThrowsAsync<HttpRequestException>(() => Clients().Sts.AssumeRoleAsync(new AssumeRoleRequest(role.Arn, "s1")));

        Assert.Equal(4, CountRequests("sts", "AssumeRole"));
        Assert.Equal(3, Delays.Count);
        Server.Faults.Clear();
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Clients().Sts.AssumeRoleWithWebIdentityAsync(
            new AssumeRoleWithWebIdentityRequest($"arn:aws:iam::{AwsTestServer.AccountId}:role/x", "web-1", "token"), cts.Token));
        Assert.Empty(Server.Requests);
    }
}
