using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Fakes;

namespace Hybrid.Api.Tests;

public sealed class WorkflowRoutesTests(ApiHost host) : ApiTestBase(host)
{
    [Fact]
    public async Task ListWorkflows_AnswersEveryWorkflowByName()
    {
        using var response = await Client.GetAsync("api/workflows");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        var workflows = Assert.IsType<JsonArray>(body["workflows"]);
        Assert.Equal(["hello", "orders", "polling"], workflows.Select(w => (string?)w!["name"]));
        var hello = workflows[0]!;
        Assert.Equal("Says hello.", (string?)hello["comment"]);
        Assert.Equal(Fake.Find("hello")!.Hash, (string?)hello["hash"]);
        Assert.Equal(new Uri(Host.BaseAddress, "api/workflows/hello").ToString(), (string?)hello["url"]);
        Assert.Equal(new Uri(Host.BaseAddress, "api/executions?workflow=hello").ToString(), (string?)hello["executionsUrl"]);
    }

    [Fact]
    public async Task DescribeWorkflow_Known_AnswersTheDefinitionAsJsonAndItsHash()
    {
        using var response = await Client.GetAsync("api/workflows/orders");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("orders", (string?)body["name"]);
        Assert.Equal(Fake.Find("orders")!.Hash, (string?)body["hash"]);
        Assert.Equal(64, ((string?)body["hash"])!.Length);
        Assert.Equal("/workflows/orders.asl.json", (string?)body["source"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Workflows.Orders), body["definition"]));
    }

    [Fact]
    public async Task DescribeWorkflow_Unknown_Answers404()
    {
        using var response = await Client.GetAsync("api/workflows/nope");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "StateMachineDoesNotExist");
    }
}
