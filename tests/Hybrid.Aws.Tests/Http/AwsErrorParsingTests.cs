using System.Net;
using System.Text;
using Hybrid.Aws.Http;

namespace Hybrid.Aws.Tests.Http;

public sealed class AwsErrorParsingTests
{
    private static AwsHttpResponse Response(HttpStatusCode status, string body, string? errorType = null)
        => new(status, Encoding.UTF8.GetBytes(body), "req-1", errorType);

    [Fact]
    public void JsonParseError_TypeWithNamespace_TakesPartAfterHash()
    {
        var details = AwsJsonProtocol.ParseError("states", "StartExecution",
            Response(HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists","message":"exists"}"""));

        Assert.Equal(("ExecutionAlreadyExists", "exists", "req-1"), (details.ErrorCode, details.Message, details.RequestId));
    }

    [Fact]
    public void JsonParseError_ErrorTypeHeader_WinsAndDropsSuffixAfterColon()
    {
        var details = AwsJsonProtocol.ParseError("states", "DescribeExecution",
            Response(HttpStatusCode.BadRequest, """{"Message":"slow down"}""", "ThrottlingException:http://internal.amazon.com/coral/"));

        Assert.Equal(("ThrottlingException", "slow down"), (details.ErrorCode, details.Message));
    }

    [Fact]
    public void JsonParseError_BodyNotJson_NamesTheStatus()
    {
        var details = AwsJsonProtocol.ParseError("states", "DescribeExecution", Response(HttpStatusCode.BadGateway, "<html>bad gateway</html>"));

        Assert.Equal("Http502", details.ErrorCode);
        Assert.True(AwsErrorCodes.IsRetryable(details.ErrorCode, details.StatusCode));
    }

    [Fact]
    public void QueryParseError_ErrorResponse_ReadsCodeMessageAndRequestId()
    {
        var details = AwsQueryProtocol.ParseError("iam", "DeleteRole", new AwsHttpResponse(HttpStatusCode.Conflict, Encoding.UTF8.GetBytes(
            """<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>DeleteConflict</Code><Message>must delete policies first</Message></Error><RequestId>r-9</RequestId></ErrorResponse>"""),
            null, null));

        Assert.Equal(("DeleteConflict", "must delete policies first", "r-9"), (details.ErrorCode, details.Message, details.RequestId));
    }

    [Fact]
    public void QueryParseError_BodyNotXml_NamesTheStatus()
        => Assert.Equal("Http500", AwsQueryProtocol.ParseError("iam", "ListRoles", Response(HttpStatusCode.InternalServerError, "oops")).ErrorCode);

    [Theory]
    [InlineData("ThrottlingException", 400, true)]
    [InlineData("Throttling", 400, true)]
    [InlineData("TooManyRequestsException", 400, true)]
    [InlineData("Anything", 429, true)]
    [InlineData("ServiceFailure", 500, true)]
    [InlineData("ExecutionDoesNotExist", 400, false)]
    [InlineData("EntityAlreadyExists", 409, false)]
    [InlineData("InvalidSignatureException", 403, false)]
    public void IsRetryable_Codes_FollowThePolicy(string code, int status, bool retryable)
        => Assert.Equal(retryable, AwsErrorCodes.IsRetryable(code, (HttpStatusCode)status));
}
