using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Api;
using Hybrid.Api.Tests.Contract;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Durable.Executions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Functions.Tests;

/// <summary>
/// The shared contract table (<see cref="ApiContract"/>, which the local host's tests run over HTTP) through the HTTP
/// functions, called in-process with a real <see cref="HttpRequest"/>. A request is routed the way the Functions host
/// would route it: by the route templates and methods in the generated <c>functions.metadata</c> under the
/// <c>api</c> prefix, to the method its entry point names.
/// </summary>
public sealed class HttpContractTests
{
    private const string BaseUrl = "http://127.0.0.1:7071";

    private readonly FakeExecutionService _fake = new();
    private readonly TestAuthorizer _authorizer = new();

    public HttpContractTests()
    {
        _fake.AddWorkflow("hello", Workflows.Hello);
        _fake.AddWorkflow("orders", Workflows.Orders);
        _fake.AddWorkflow("polling", Workflows.Polling);
    }

    [Theory]
    [MemberData(nameof(ApiContract.Names), MemberType = typeof(ApiContract))]
    public async Task HttpFunctions_AnswerTheContract(string name)
    {
        var contractCase = ApiContract.Find(name);
        ApiContract.Arrange(contractCase, _fake, _authorizer);

        var answer = await SendAsync(contractCase.Method, contractCase.Path, contractCase.Body);

        ApiContract.AssertAnswer(contractCase, answer, BaseUrl, _fake);
    }

    [Fact]
    public async Task StartExecution_PassesTheAuthorizersCallerAndTheClientsFactory()
    {
        var caller = new Caller("alice", "cli", "https://ping.example", ["ops"], ["hybrid:start"]);
        _fake.Expect(nameof(IExecutionService.StartAsync));
        _authorizer.Decide = _ => HybridApiAuthorization.Allow(caller);

        var answer = await SendAsync("POST", "api/workflows/hello/executions?name=mine", "{}");

        Assert.Equal(202, answer.Status);
        Assert.Same(caller, Assert.Single(_fake.Calls).Arguments[3]);
        Assert.Equal((HybridApiRoute.StartExecution, "hello", "hello:mine"), Assert.Single(_authorizer.Requests));
    }

    [Fact]
    public async Task UnroutedPath_HasNoFunction()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => SendAsync("DELETE", "api/workflows/hello", null));
    }

    private async Task<ApiContractAnswer> SendAsync(string method, string pathAndQuery, string? body)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1:7071");
        request.Path = PathString.FromUriComponent("/" + (question < 0 ? pathAndQuery : pathAndQuery[..question]));
        request.QueryString = question < 0 ? QueryString.Empty : new QueryString(pathAndQuery[question..]);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.ContentType = "application/json";
            request.ContentLength = bytes.Length;
            request.Body = new MemoryStream(bytes);
        }

        context.Response.Body = new MemoryStream();

        var (function, values) = Route(method, request.Path);
        var type = typeof(HttpFunctions);
        var entry = type.GetMethod(function.EntryPoint[(function.EntryPoint.LastIndexOf('.') + 1)..])!;
        var functions = new HttpFunctions(new FakeFactory(_fake), _fake, _authorizer, new Hybrid.Identity.Audit.InMemoryAuditLog(), NullLogger<HybridApiHandlers>.Instance);
        var arguments = entry.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest) ? request
            : p.ParameterType == typeof(DurableTaskClient) ? null
            : (object?)(string?)values[p.Name!]).ToArray();
        var result = await (Task<IResult>)entry.Invoke(functions, arguments)!;
        await result.ExecuteAsync(context);

        var response = context.Response;
        var text = Encoding.UTF8.GetString(((MemoryStream)response.Body).ToArray());
        return new ApiContractAnswer(
            response.StatusCode,
            response.ContentType?.Split(';')[0],
            text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers.Location.Count == 0 ? null : response.Headers.Location.ToString(),
            response.Headers.WWWAuthenticate.Count == 0 ? null : response.Headers.WWWAuthenticate.ToString());
    }

    /// <summary>Finds the HTTP function whose method and <c>api/</c>-prefixed route template match, as the host would.</summary>
    private static (FunctionEntry Function, RouteValueDictionary Values) Route(string method, PathString path)
    {
        foreach (var function in FunctionsMetadata.All.Where(f => f.TriggerType == "httpTrigger" && f.Methods.Contains(method)))
        {
            var values = new RouteValueDictionary();
            var matcher = new TemplateMatcher(TemplateParser.Parse("api/" + function.Route), []);
            if (matcher.TryMatch(path, values))
            {
                return (function, values);
            }
        }

        throw new InvalidOperationException($"No HTTP function serves {method} {path}.");
    }

    private sealed class FakeFactory(IExecutionService service) : IExecutionServiceFactory
    {
        public IExecutionService Create(DurableTaskClient client) => service;
    }
}
