using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Asl.Json;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests;

public sealed class StartExecutionTests(ApiHost host) : ApiTestBase(host)
{
    private const string Start = nameof(IExecutionService.StartAsync);

    [Fact]
    public async Task StartExecution_EmptyBody_Answers202WithUrlsLocationAndEmptyObjectInput()
    {
        Fake.Expect(Start);

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions?name=first", null);

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
        var root = Host.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal("hello:first", (string?)body["executionId"]);
        Assert.Equal("first", (string?)body["name"]);
        Assert.Equal(FakeExecutionService.Epoch, body["startDate"]!.GetValue<DateTimeOffset>());
        Assert.Equal($"{root}/api/executions/hello%3Afirst", (string?)body["statusUrl"]);
        Assert.Equal($"{root}/api/executions/hello%3Afirst/history", (string?)body["historyUrl"]);
        Assert.Equal($"{root}/api/executions/hello%3Afirst/stop", (string?)body["stopUrl"]);
        Assert.Equal(new Uri($"{root}/api/executions/hello%3Afirst"), response.Headers.Location);
        var call = Assert.Single(Fake.Calls);
        Assert.Equal(["hello", "first"], call.Arguments.Take(2));
        Assert.True(AslJson.DeepEquals(new JsonObject(), (JsonNode?)call.Arguments[2]));
    }

    [Fact]
    public async Task StartExecution_JsonBody_PassesTheInputAsJson()
    {
        Fake.Expect(Start);

        using var response = await Host.PostJsonAsync("api/workflows/orders/executions", """{ "kind": "bulk", "items": [1, 2.5, "x", null, true] }""");

        await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
        var input = (JsonNode?)Assert.Single(Fake.Calls).Arguments[2];
        Assert.True(AslJson.DeepEquals(JsonNode.Parse("""{"kind":"bulk","items":[1,2.5,"x",null,true]}"""), input));
    }

    [Fact]
    public async Task StartExecution_NameInHeader_UsesIt()
    {
        Fake.Expect(Start);

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}", headers: new Dictionary<string, string> { ["X-Hybrid-Execution-Name"] = "from-header" });

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("from-header", (string?)body["name"]);
    }

    [Fact]
    public async Task StartExecution_NoName_LetsTheServiceNameIt()
    {
        Fake.Expect(Start);

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("generated-1", (string?)body["name"]);
        Assert.Null(Assert.Single(Fake.Calls).Arguments[1]);
    }

    [Fact]
    public async Task StartExecution_SameNameAndInputRepeated_Answers200WithTheSameBody()
    {
        Fake.Expect(Start);
        using var first = await Host.PostJsonAsync("api/workflows/hello/executions?name=again", """{"a":1}""");
        var firstBody = await ApiHost.ReadJsonAsync(first, HttpStatusCode.Accepted);

        using var second = await Host.PostJsonAsync("api/workflows/hello/executions?name=again", """{ "a" : 1 }""");

        var secondBody = await ApiHost.ReadJsonAsync(second, HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(firstBody, secondBody));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task StartExecution_SameNameDifferentInput_Answers409()
    {
        Fake.Expect(Start);
        using var first = await Host.PostJsonAsync("api/workflows/hello/executions?name=taken", """{"a":1}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var second = await Host.PostJsonAsync("api/workflows/hello/executions?name=taken", """{"a":2}""");

        var problem = await ApiHost.ReadProblemAsync(second, HttpStatusCode.Conflict, "ExecutionAlreadyExists");
        Assert.Contains("taken", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_UnknownWorkflow_Answers404WithoutCallingTheService()
    {
        using var response = await Host.PostJsonAsync("api/workflows/nope/executions", "{}");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "StateMachineDoesNotExist");
        Assert.Contains("nope", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData("{\"a\": 1,}", 1, 9)]
    [InlineData("{\n  \"a\": [1, 2\n  \"b\": 3\n}", 3, 3)]
    [InlineData("{\"a\": tru}", 1, 10)]
    [InlineData("{\"a\": 1", 1, 8)]
    [InlineData("[1] [2]", 1, 5)]
    public async Task StartExecution_MalformedJson_Answers400SayingWhereItBroke(string body, int line, int position)
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", body);

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Equal(line, (int?)problem["line"]);
        Assert.Equal(position, (int?)problem["position"]);
        Assert.Contains($"at line {line}, byte {position}", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("reader options", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_DuplicateProperty_Answers400()
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", """{"a":1,"a":2}""");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Contains("Duplicate property 'a'", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Null(problem["line"]);
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_LoneSurrogateEscape_Answers400()
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", """{"a":"\ud800"}""");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_InvalidUtf8_Answers400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/workflows/hello/executions")
        {
            Content = new ByteArrayContent([(byte)'"', 0xC3, 0x28, (byte)'"']),
        };
        request.Content.Headers.ContentType = new("application/json");

        using var response = await Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, string.Join("\n", Host.Logs.Entries.Select(e => e.Exception?.ToString())));
        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData("a%20b")]
    [InlineData("tab%09")]
    [InlineData("nl%0A")]
    [InlineData("ctl%7F")]
    [InlineData("c1%C2%85")]
    [InlineData("nbsp%C2%A0")]
    [InlineData("%3C")]
    [InlineData("%3E")]
    [InlineData("%7B")]
    [InlineData("%7D")]
    [InlineData("%5B")]
    [InlineData("%5D")]
    [InlineData("%3F")]
    [InlineData("*")]
    [InlineData("%22")]
    [InlineData("%23")]
    [InlineData("%25")]
    [InlineData("%5C")]
    [InlineData("%5E")]
    [InlineData("%7C")]
    [InlineData("~")]
    [InlineData("%60")]
    [InlineData("%24")]
    [InlineData("%26")]
    [InlineData("%2C")]
    [InlineData("%3B")]
    [InlineData("%3A")]
    [InlineData("%2F")]
    [InlineData("")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task StartExecution_NameBreaksStepFunctionsRules_Answers400(string escapedName)
    {
        using var response = await Host.PostJsonAsync($"api/workflows/hello/executions?name={escapedName}", "{}");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidName");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_BadNameInHeader_Answers400()
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}", headers: new Dictionary<string, string> { ["X-Hybrid-Execution-Name"] = "a;b" });

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidName");
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData("commande-%C3%A9t%C3%A9")]
    [InlineData("A-Za-z0-9_.-()%2B=!'@")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task StartExecution_NameWithinTheRules_IsAccepted(string escapedName)
    {
        Fake.Expect(Start);

        using var response = await Host.PostJsonAsync($"api/workflows/hello/executions?name={escapedName}", "{}");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal(Uri.UnescapeDataString(escapedName), (string?)body["name"]);
    }

    [Fact]
    public async Task StartExecution_QueryAndHeaderNamesDisagree_Answers400()
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions?name=one", "{}", headers: new Dictionary<string, string> { ["X-Hybrid-Execution-Name"] = "two" });

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidName");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_NameGivenTwice_Answers400()
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions?name=one&name=two", "{}");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidName");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_InputOver256KiB_Answers400()
    {
        var body = "\"" + new string('x', (256 * 1024) - 1) + "\"";

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", body);

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Contains("256 KiB", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_ChunkedInputOver256KiB_Answers400WithoutReadingItAll()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/workflows/hello/executions")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("\"" + new string('y', 1024 * 1024) + "\""))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public async Task StartExecution_InputOfExactly256KiB_IsAccepted()
    {
        Fake.Expect(Start);
        var body = "\"" + new string('x', (256 * 1024) - 2) + "\"";

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", body);

        await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=utf-16")]
    public async Task StartExecution_NonJsonContentType_Answers415(string contentType)
    {
        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}", contentType);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.hybrid+json")]
    [InlineData("text/json")]
    public async Task StartExecution_JsonContentTypes_AreAccepted(string contentType)
    {
        Fake.Expect(Start);

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}", contentType);

        await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task StartExecution_ServiceFailsUnexpectedly_Answers500AndTheServerStaysUp()
    {
        Fake.Expect(Start);
        Fake.Failure = new InvalidOperationException("secret internals");

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.InternalServerError, "InternalError");
        Assert.DoesNotContain("secret", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains(Host.Logs.Entries, e => e.EventId.Id == 8300 && e.Exception?.Message == "secret internals");
        using var next = await Host.PostJsonAsync("api/workflows/hello/executions", "{}");
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
    }

    [Fact]
    public async Task StartExecution_ServiceRefusesTheRequest_Answers400WithItsCode()
    {
        Fake.Expect(Start);
        Fake.Failure = new InvalidExecutionRequestException("InvalidExecutionInput", "The service refused it.");

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions", "{}");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.BadRequest, "InvalidExecutionInput");
        Assert.Equal("The service refused it.", (string?)problem["detail"]);
    }

    [Fact]
    public async Task StartExecution_GetInsteadOfPost_Answers405()
    {
        using var response = await Client.GetAsync("api/workflows/hello/executions");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(Fake.Calls);
    }
}
