using Amazon.Runtime;
using Hybrid.Aws.Http;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.TestServer;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Aws.Tests.Http;

public sealed class SigV4SigningHandlerTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    // The "get-vanilla" case of AWS's published SigV4 test suite.
    private const string VectorAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    private static readonly DateTimeOffset VectorTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public async Task SendAsync_AwsTestSuiteGetVanilla_ProducesPublishedSignature()
    {
        var capture = new CaptureHandler();
        using var handler = new SigV4SigningHandler(
            new AwsCredentialSource(new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
            "service", "us-east-1", new FakeTimeProvider(VectorTime), capture);
        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        using var _ = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(VectorAuthorization, capture.Authorization);
        Assert.Equal("20150830T123600Z", capture.AmzDate);
    }

    [Fact]
    public void Verify_AwsTestSuiteGetVanilla_AcceptsPublishedSignature()
    {
        var verifier = new SigV4Verifier(key => key == "AKIDEXAMPLE" ? new KnownKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") : null, new FakeTimeProvider(VectorTime));
        var request = new SignableRequest("GET", "/", "", new Dictionary<string, string[]>
        {
            ["host"] = ["example.amazonaws.com"],
            ["x-amz-date"] = ["20150830T123600Z"],
            ["authorization"] = [VectorAuthorization],
        }, []);

        var key = verifier.Verify(request, "service", "us-east-1", out var failure);

        Assert.Null(failure);
        Assert.Equal("AKIDEXAMPLE", key);
    }

    [Fact]
    public void Verify_AwsTestSuiteWithOneBitChanged_RefusesSignature()
    {
        var verifier = new SigV4Verifier(_ => new KnownKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), new FakeTimeProvider(VectorTime));
        var request = new SignableRequest("GET", "/", "", new Dictionary<string, string[]>
        {
            ["host"] = ["example.amazonaws.com."],
            ["x-amz-date"] = ["20150830T123600Z"],
            ["authorization"] = [VectorAuthorization],
        }, []);

        verifier.Verify(request, "service", "us-east-1", out var failure);

        Assert.Equal("Mismatch", failure?.Kind);
    }

    [Fact]
    public async Task SendAsync_SessionCredentials_SignsSecurityToken()
    {
        Server.AddCredentials("ASIAHYBRIDSESSION001", "session-secret", "session-token-1");
        var sfn = Clients(Options(new SessionAWSCredentials("ASIAHYBRIDSESSION001", "session-secret", "session-token-1"))).StepFunctions;

        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => sfn.DescribeExecutionAsync($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:a:b"));

        Assert.Equal("ASIAHYBRIDSESSION001", Assert.Single(Server.Requests).AccessKeyId);
    }

    [Fact]
    public async Task SendAsync_SessionTokenMissing_IsRefused()
    {
        Server.AddCredentials("ASIAHYBRIDSESSION002", "session-secret", "session-token-2");
        var sfn = Clients(Options(new BasicAWSCredentials("ASIAHYBRIDSESSION002", "session-secret"))).StepFunctions;

        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => sfn.DescribeExecutionAsync($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:a:b"));

        Assert.Equal("UnrecognizedClientException", ex.ErrorCode);
        Server.ClearLog();
    }

    [Fact]
    public async Task SendAsync_WrongSecret_IsRefusedWithInvalidSignature()
    {
        var sfn = Clients(Options(new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, "wrong-secret"))).StepFunctions;

        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => sfn.StartExecutionAsync(new StartExecutionRequest(
            Server.StepFunctions.AddStateMachine(Unique("sig")))));

        Assert.Equal("InvalidSignatureException", ex.ErrorCode);
        Assert.Equal(403, (int)ex.StatusCode);
        Assert.Empty(Server.Requests);
        Assert.Contains("signature we calculated does not match", Assert.Single(Server.Rejections).Message, StringComparison.Ordinal);
        Assert.Empty(Delays);
        Server.ClearLog();
    }

    [Fact]
    public async Task SendAsync_UnknownAccessKey_IsRefusedWithUnrecognizedClient()
    {
        var sfn = Clients(Options(new BasicAWSCredentials("AKIAUNKNOWNKEY000000", "x"))).StepFunctions;

        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => sfn.DescribeExecutionAsync("arn:aws:states:us-east-1:1:execution:a:b"));

        Assert.Equal("UnrecognizedClientException", ex.ErrorCode);
        Server.ClearLog();
    }

    [Fact]
    public async Task SendAsync_ClockSkewedByAnHour_IsRefusedAsExpired()
    {
        var skewed = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        using var clients = new AwsClients(Options(), null, skewed);

        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => clients.StepFunctions.DescribeExecutionAsync("arn:aws:states:us-east-1:1:execution:a:b"));

        Assert.Equal("InvalidSignatureException", ex.ErrorCode);
        Assert.Contains("Signature expired", Assert.Single(Server.Rejections).Message, StringComparison.Ordinal);
        Server.ClearLog();
    }

    [Fact]
    public async Task SendAsync_WrongSigningRegion_IsRefused()
    {
        var sfn = Clients(Options() with { Region = "eu-west-1" }).StepFunctions;

        await Assert.ThrowsAsync<AwsAuthenticationException>(() => sfn.DescribeExecutionAsync("arn:aws:states:us-east-1:1:execution:a:b"));

        Assert.Contains("eu-west-1", Assert.Single(Server.Rejections).Message, StringComparison.Ordinal);
        Server.ClearLog();
    }

    private sealed class CaptureHandler : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        public string? AmzDate { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = string.Join(",", request.Headers.GetValues("Authorization"));
            AmzDate = string.Join(",", request.Headers.GetValues("X-Amz-Date"));
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
