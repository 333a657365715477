using System.Net;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests;

public sealed class AuthorizationTests(ApiHost host) : ApiTestBase(host)
{
    public static TheoryData<string, string, HybridApiRoute> Routes => new()
    {
        { "GET", "", HybridApiRoute.Page },
        { "GET", "ui/graph.js", HybridApiRoute.Page },
        { "GET", "api/workflows", HybridApiRoute.ListWorkflows },
        { "GET", "api/workflows/hello", HybridApiRoute.DescribeWorkflow },
        { "POST", "api/workflows/hello/executions", HybridApiRoute.StartExecution },
        { "GET", "api/executions", HybridApiRoute.ListExecutions },
        { "GET", "api/executions/x", HybridApiRoute.DescribeExecution },
        { "GET", "api/executions/x/history", HybridApiRoute.GetExecutionHistory },
        { "POST", "api/executions/x/stop", HybridApiRoute.StopExecution },
        { "POST", "api/tasks/success", HybridApiRoute.SendTaskSuccess },
        { "POST", "api/tasks/failure", HybridApiRoute.SendTaskFailure },
        { "POST", "api/tasks/heartbeat", HybridApiRoute.SendTaskHeartbeat },
        { "POST", "api/executions/x/token", HybridApiRoute.SubmitToken },
        { "GET", "api/executions/x/audit", HybridApiRoute.GetExecutionAudit },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryRoute_Unauthenticated_Answers401WithTheChallengeAndDoesNothing(string method, string path, HybridApiRoute route)
    {
        Fake.Expect(nameof(IExecutionService.DescribeAsync));
        Host.Authorizer.Decide = _ => HybridApiAuthorization.Unauthenticated("A bearer token is required.", "Bearer realm=\"hybrid\"");

        using var response = await Send(method, path);

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.Unauthorized, "UnrecognizedClient");
        Assert.Equal("A bearer token is required.", (string?)problem["detail"]);
        Assert.Equal("Bearer realm=\"hybrid\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(route, Assert.Single(Host.Authorizer.Requests).Route);
        Assert.All(Fake.Calls, c => Assert.Equal(nameof(IExecutionService.DescribeAsync), c.Operation));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryRoute_Forbidden_Answers403(string method, string path, HybridApiRoute route)
    {
        Fake.Expect(nameof(IExecutionService.DescribeAsync));
        Host.Authorizer.Decide = _ => HybridApiAuthorization.Forbidden("Not in the group.");

        using var response = await Send(method, path);

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Equal(route, Assert.Single(Host.Authorizer.Requests).Route);
    }

    [Fact]
    public async Task StartExecution_Allowed_PassesTheAuthorizersCallerToTheService()
    {
        Fake.Expect(nameof(IExecutionService.StartAsync));
        var caller = new Caller("alice", "cli", "https://ping.example", ["ops"], ["hybrid:start"]);
        Host.Authorizer.Decide = _ => HybridApiAuthorization.Allow(caller);

        using var response = await Host.PostJsonAsync("api/workflows/hello/executions?name=mine", "{}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Same(caller, Assert.Single(Fake.Calls).Arguments[3]);
        Assert.Equal((HybridApiRoute.StartExecution, "hello", "hello:mine"), Assert.Single(Host.Authorizer.Requests));
    }

    [Fact]
    public async Task ExecutionRoutes_AskTheAuthorizerWithTheExecutionsWorkflow()
    {
        Fake.Expect(nameof(IExecutionService.DescribeAsync));
        Fake.AddExecution(new ExecutionDescription("orders:o", "o", "orders", ExecutionStatus.Running, DateTimeOffset.UnixEpoch, null, null, null, null, null, null, null));

        using var response = await Client.GetAsync("api/executions/orders%3Ao");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((HybridApiRoute.DescribeExecution, "orders", "orders:o"), Assert.Single(Host.Authorizer.Requests));
    }

    [Fact]
    public async Task UnknownExecution_Denied_Answers403RatherThan404()
    {
        Fake.Expect(nameof(IExecutionService.DescribeAsync));
        Host.Authorizer.Decide = r => r.Workflow is null ? HybridApiAuthorization.Forbidden("Unknown to you.") : HybridApiAuthorization.Allow();

        using var response = await Client.GetAsync("api/executions/secret");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Fact]
    public async Task ListExecutions_AsksTheAuthorizerWithTheWorkflowFilter()
    {
        Fake.Expect(nameof(IExecutionService.ListAsync));

        using var response = await Client.GetAsync("api/executions?workflow=orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((HybridApiRoute.ListExecutions, "orders", (string?)null), Assert.Single(Host.Authorizer.Requests));
    }

    [Fact]
    public async Task Authorizer_Throws_Answers500AndTheServerStaysUp()
    {
        Host.Authorizer.Decide = _ => throw new InvalidOperationException("identity provider down");

        using var response = await Client.GetAsync("api/workflows");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.InternalServerError, "InternalError");
        Host.Authorizer.Decide = _ => HybridApiAuthorization.Allow();
        using var next = await Client.GetAsync("api/workflows");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task DefaultAuthorizer_AllowsEverythingWithNoCaller()
    {
        var authorization = await new AllowAllAuthorizer().AuthorizeAsync(new HybridApiRequest(HybridApiRoute.StartExecution, "hello", null, new Microsoft.AspNetCore.Http.DefaultHttpContext()));

        Assert.True(authorization.IsAllowed);
        Assert.Null(authorization.Caller);
    }

    private Task<HttpResponseMessage> Send(string method, string path) =>
        method == "GET" ? Client.GetAsync(path) : Host.PostJsonAsync(path, "{}");
}
