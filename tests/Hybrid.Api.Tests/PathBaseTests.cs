using System.Net;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests;

/// <summary>The API behind a path base (a reverse proxy, or a Functions route prefix): every URL it hands out keeps it.</summary>
public sealed class PathBaseTests : IClassFixture<PathBaseTests.Host>, IDisposable
{
    private readonly Host _host;

    public PathBaseTests(Host host)
    {
        _host = host;
        host.Reset();
    }

    public void Dispose() => Assert.Empty(_host.Fake.Unexpected);

    [Fact]
    public async Task StartExecution_UnderAPathBase_HandsOutUrlsUnderIt()
    {
        _host.Fake.Expect(nameof(IExecutionService.StartAsync));

        using var response = await _host.PostJsonAsync("api/workflows/hello/executions?name=n", "{}");

        var body = await ApiHost.ReadJsonAsync(response, HttpStatusCode.Accepted);
        var expected = new Uri(_host.BaseAddress, "api/executions/hello%3An");
        Assert.Equal(expected.ToString(), (string?)body["statusUrl"]);
        Assert.Equal(expected, response.Headers.Location);
        Assert.StartsWith("/hybrid/", expected.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problem_UnderAPathBase_NamesTheFullPathAsItsInstance()
    {
        using var response = await _host.Client.GetAsync("api/workflows/nope");

        var problem = await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "StateMachineDoesNotExist");
        Assert.Equal("/hybrid/api/workflows/nope", (string?)problem["instance"]);
    }

    [Fact]
    public async Task GetPage_UnderAPathBase_PointsItsScriptAndApiUnderIt()
    {
        var html = await _host.Client.GetStringAsync("");

        Assert.Contains("content=\"/hybrid/api\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/hybrid/ui/graph.js\"", html, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task GraphPage_UnderAPathBase_DrawsTheWorkflow()
    {
        _host.Fake.Expect(nameof(IExecutionService.ListAsync));

        var dom = await Chromium.DumpDomAsync(new Uri(_host.BaseAddress, "#workflow=hello"));

        Assert.Contains("data-state=\"Greet\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Done\"", dom, StringComparison.Ordinal);
    }

    public sealed class Host : ApiHost
    {
        protected override string? PathBase => "/hybrid";
    }
}
