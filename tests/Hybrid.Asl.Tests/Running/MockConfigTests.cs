using Hybrid.Asl.Errors;
using Hybrid.Asl.Running;

namespace Hybrid.Asl.Tests.Running;

public sealed class MockConfigTests
{
    private const string Config = """
        {"StateMachines":{"Orders":{"TestCases":{"Retry":{"Charge":"ChargeFlaky"}}}},
         "MockedResponses":{"ChargeFlaky":{"0":{"Throw":{"Error":"Lambda.TooManyRequestsException","Cause":"slow down"}},"1-2":{"Return":{"charged":true}}}}}
        """;

    [Fact]
    public void TestCase_AnswersByInvocationIndex_ThenRepeatsTheLast()
    {
        var mocks = MockConfig.Parse(Config).TestCase("Orders", "Retry");

        var error = Assert.Throws<AslException>(() => mocks.Answer("Charge"));
        Assert.Equal("Lambda.TooManyRequestsException", error.Error);
        Assert.Equal("slow down", error.Cause);
        Assert.Equal("""{"charged":true}""", mocks.Answer("Charge")!.ToJsonString());
        Assert.Equal("""{"charged":true}""", mocks.Answer("Charge")!.ToJsonString());
        Assert.Equal("""{"charged":true}""", mocks.Answer("Charge")!.ToJsonString());
        Assert.False(mocks.Handles("Other"));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"StateMachines":{}}""", "'MockedResponses'")]
    [InlineData("""{"StateMachines":{},"MockedResponses":{"R":{"1":{"Return":1}}}}""", "without gaps")]
    [InlineData("""{"StateMachines":{},"MockedResponses":{"R":{"0-x":{"Return":1}}}}""", "'0-x' is not an invocation index")]
    [InlineData("""{"StateMachines":{},"MockedResponses":{"R":{"0":{"Ret":1}}}}""", "must be {\"Return\"")]
    [InlineData("""{"StateMachines":{},"MockedResponses":{"R":{"0":{"Return":1},"0-1":{"Return":2}}}}""", "more than once")]
    public void Parse_Malformed_ThrowsFormatExceptionSayingWhat(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => MockConfig.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestCase_UnknownNames_ListWhatExists()
    {
        var config = MockConfig.Parse(Config);

        Assert.Contains("Orders", Assert.Throws<KeyNotFoundException>(() => config.TestCase("Nope", "Retry")).Message, StringComparison.Ordinal);
        Assert.Contains("Retry", Assert.Throws<KeyNotFoundException>(() => config.TestCase("Orders", "Nope")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:lambda:us-east-1:1:function:f", "arn:aws:lambda:*:*:function:*", true)]
    [InlineData("arn:aws:lambda:us-east-1:1:function:f", "arn:aws:lambda:us-east-1:1:function:f", true)]
    [InlineData("arn:aws:sqs:us-east-1:1:q", "arn:aws:lambda:*", false)]
    public void Registry_ResolvesExactAndGlobPatterns(string resource, string pattern, bool matches)
    {
        var registry = new TaskHandlerRegistry().Register(pattern, x => x);

        Assert.Equal(matches, registry.TryResolve(resource, out _));
    }
}
