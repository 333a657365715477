using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Hybrid.Aws.Http;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests.TestServer;

/// <summary>The server is only worth its tests if it refuses what AWS would refuse: these send raw requests to prove it.</summary>
public sealed class AwsTestServerTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(
        Uri endpoint, string service, string body, string contentType, string? target = null, string region = "us-east-1",
        AWSCredentials? credentials = null, bool sign = true, Action<HttpRequestMessage>? afterSigning = null, HttpMethod? method = null)
    {
        HttpMessageHandler handler = new SocketsHttpHandler();
        if (afterSigning is not null)
        {
            handler = new TamperHandler(afterSigning, handler);
        }

        if (sign)
        {
            handler = new SigV4SigningHandler(new AwsCredentialSource(credentials ?? DefaultCredentials), service, region, TimeProvider.System, handler);
        }

        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, endpoint) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<(HttpStatusCode Status, string Body)> SfnAsync(string operation, string body, Action<HttpRequestMessage>? afterSigning = null, bool sign = true)
        => SendAsync(Server.StepFunctionsEndpoint, "states", body, "application/x-amz-json-1.0", "AWSStepFunctions." + operation, afterSigning: afterSigning, sign: sign);

    private Task<(HttpStatusCode Status, string Body)> IamAsync(string form)
        => SendAsync(Server.IamEndpoint, "iam", form, "application/x-www-form-urlencoded; charset=utf-8");

    private (string Code, string Message) SingleRejection()
    {
        var rejection = Assert.Single(Server.Rejections);
        Server.ClearLog();
        return (rejection.Code, rejection.Message);
    }

    private static string JsonType(string body) => (string)JsonNode.Parse(body)!["__type"]!;

    [Fact]
    public async Task Json_UnknownOperation_IsRefusedAsUnknownOperation()
    {
        var (status, body) = await SfnAsync("CreateStateMachineAlias2", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("UnknownOperationException", JsonType(body));
        Assert.Equal("UnknownOperationException", SingleRejection().Code);
    }

    [Fact]
    public async Task Json_UnknownMember_IsRefusedNamingIt()
    {
        var (status, body) = await SfnAsync("DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:b","color":"red"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", JsonType(body));
        Assert.Contains("Unknown member 'color'", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_MissingRequiredMember_IsRefusedNamingIt()
    {
        await SfnAsync("StartExecution", """{"name":"x"}""");

        Assert.Contains("Missing required member 'stateMachineArn'", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_WrongType_IsRefusedNamingTheMemberAndType()
    {
        await SfnAsync("GetExecutionHistory", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:b","maxResults":"ten"}""");

        var message = SingleRejection().Message;
        Assert.Contains("maxResults", message, StringComparison.Ordinal);
        Assert.Contains("integer", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_WrongContentType_IsRefused()
    {
        await SendAsync(Server.StepFunctionsEndpoint, "states", "{}", "application/json", "AWSStepFunctions.DescribeExecution");

        Assert.Contains("application/x-amz-json-1.0", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_Unsigned_IsRefusedWithMissingAuthenticationToken()
    {
        var (status, body) = await SfnAsync("DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:b"}""", sign: false);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("MissingAuthenticationTokenException", JsonType(body));
        SingleRejection();
    }

    [Fact]
    public async Task Json_BodyChangedAfterSigning_IsRefusedWithInvalidSignature()
    {
        var (status, body) = await SfnAsync("DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:b"}""",
            afterSigning: r => r.Content = new StringContent("""{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:c"}""", Encoding.UTF8,
                "application/x-amz-json-1.0") { Headers = { ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.0") } });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("InvalidSignatureException", JsonType(body));
        SingleRejection();
    }

    [Fact]
    public async Task Json_TargetHeaderAddedAfterSigning_IsRefusedAsUnsigned()
    {
        await SfnAsync("DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:b"}""",
            afterSigning: r => r.Headers.Remove("X-Amz-Date"));

        Assert.Contains("X-Amz-Date", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_SignedForIam_IsRefusedByStepFunctions()
    {
        await SendAsync(Server.StepFunctionsEndpoint, "iam", "{}", "application/x-amz-json-1.0", "AWSStepFunctions.DescribeExecution");

        Assert.Contains("service 'states'", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_GetRequest_IsRefused()
    {
        await SendAsync(Server.StepFunctionsEndpoint, "states", "", "application/x-amz-json-1.0", "AWSStepFunctions.DescribeExecution", method: HttpMethod.Put);

        Assert.Contains("POST", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_PathOtherThanRoot_IsRefused()
    {
        await SendAsync(new Uri(Server.StepFunctionsEndpoint, "/executions?x=1"), "states", "{}", "application/x-amz-json-1.0", "AWSStepFunctions.DescribeExecution");

        Assert.Contains("POST /", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_HostOfAnotherEndpoint_IsRefused()
    {
        await SfnAsync("DescribeExecution", """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:a:b"}""",
            afterSigning: r => r.Headers.Host = "states.us-east-1.amazonaws.com");

        Assert.Contains("is not this endpoint", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UnknownAction_IsRefusedAsInvalidAction()
    {
        var (status, body) = await IamAsync("Action=CreateRoleFast&Version=2010-05-08");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("<Code>InvalidAction</Code>", body, StringComparison.Ordinal);
        Assert.Equal("InvalidAction", SingleRejection().Code);
    }

    [Fact]
    public async Task Query_WrongVersion_IsRefused()
    {
        await IamAsync("Action=ListRoles&Version=2011-06-15");

        Assert.Contains("2010-05-08", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UnknownParameter_IsRefusedNamingIt()
    {
        var (_, body) = await IamAsync("Action=ListRoles&Version=2010-05-08&Colour=red");

        Assert.Contains("<Code>ValidationError</Code>", body, StringComparison.Ordinal);
        Assert.Contains("Colour", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_MissingRequiredParameter_IsRefusedNamingIt()
    {
        await IamAsync("Action=CreateRole&Version=2010-05-08&RoleName=r");

        Assert.Contains("AssumeRolePolicyDocument", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ListWithGap_IsRefused()
    {
        await IamAsync("Action=TagRole&Version=2010-05-08&RoleName=r&Tags.member.1.Key=a&Tags.member.1.Value=b&Tags.member.3.Key=c&Tags.member.3.Value=d");

        Assert.Contains("not numbered", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ListWithoutMemberSegment_IsRefused()
    {
        await IamAsync("Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.1.Key=a&Tags.1.Value=b");

        Assert.Contains("Tags.1.Key", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_IntegerNotANumber_IsRefused()
    {
        await IamAsync("Action=ListRoles&Version=2010-05-08&MaxItems=many");

        Assert.Contains("MaxItems", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_EnumValueOutsideModel_IsRefused()
    {
        await IamAsync("Action=UpdateAccessKey&Version=2010-05-08&AccessKeyId=AKIAHYBRIDTESTKEY001&Status=Paused");

        Assert.Contains("enum", SingleRejection().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_IamSignedForAnotherRegion_IsRefused()
    {
        await SendAsync(Server.IamEndpoint, "iam", "Action=ListRoles&Version=2010-05-08", "application/x-www-form-urlencoded; charset=utf-8", region: "eu-west-1");

        Assert.Equal("SignatureDoesNotMatch", SingleRejection().Code);
    }

    [Fact]
    public async Task Query_AssumeRoleWithWebIdentityUnsigned_IsAccepted()
    {
        var (status, body) = await SendAsync(Server.StsEndpoint, "sts",
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fghost&RoleSessionName=s1&WebIdentityToken=unknown-token",
            "application/x-www-form-urlencoded; charset=utf-8", sign: false);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("<Code>InvalidIdentityToken</Code>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_AssumeRoleUnsigned_IsRefused()
    {
        var (status, body) = await SendAsync(Server.StsEndpoint, "sts",
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fghost&RoleSessionName=s1",
            "application/x-www-form-urlencoded; charset=utf-8", sign: false);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", body, StringComparison.Ordinal);
        SingleRejection();
    }

    [Fact]
    public void ReadQuery_NestedListOfStructures_BuildsTheModelShape()
    {
        var model = ServiceModel.Load("iam", "2010-05-08");
        var form = new Dictionary<string, string>
        {
            ["Action"] = "CreateRole",
            ["Version"] = "2010-05-08",
            ["RoleName"] = "r",
            ["AssumeRolePolicyDocument"] = "{}",
            ["MaxSessionDuration"] = "3600",
            ["Tags.member.1.Key"] = "a",
            ["Tags.member.1.Value"] = "1",
            ["Tags.member.2.Key"] = "b",
            ["Tags.member.2.Value"] = "",
        };

        var input = ModelCodec.ReadQuery(model, model.Operations["CreateRole"], form);

        Assert.Equal("""{"RoleName":"r","AssumeRolePolicyDocument":"{}","MaxSessionDuration":3600,"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":""}]}""",
            input.ToJsonString());
    }

    [Fact]
    public void Load_EveryModelTheServerUses_HasTheOperationsItServes()
    {
        Assert.Equal("AWSStepFunctions", ServiceModel.Load("stepfunctions", "2016-11-23").TargetPrefix);
        Assert.Equal("sync-", ServiceModel.Load("stepfunctions", "2016-11-23").Operations["StartSyncExecution"].HostPrefix);
        Assert.Equal("query", ServiceModel.Load("iam", "2010-05-08").Protocol);
        Assert.Contains("AssumeRoleWithWebIdentity", ServiceModel.Load("sts", "2011-06-15").Operations.Keys);
    }

    private sealed class TamperHandler(Action<HttpRequestMessage> tamper, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            tamper(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
