using Hybrid.Identity.Development;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Hybrid.Api.Tests;

/// <summary>
/// <see cref="IdentityApiAuthorizer"/> over the real identity layer, trusting the development issuer (Development
/// only) with a policy that lets <c>admins</c> start and read every workflow.
/// </summary>
public sealed class IdentityApiAuthorizerTests : IDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("hybrid-api-authorizer-").FullName;
    private readonly ServiceProvider _services;

    public IdentityApiAuthorizerTests()
    {
        var identity = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TrustDevelopmentIssuer"] = "true",
            ["DevelopmentKeyFolder"] = _keys,
            ["Policy:Rules:0:Name"] = "admins",
            ["Policy:Rules:0:Workflows:0"] = "*",
            ["Policy:Rules:0:Actions:0"] = "Start",
            ["Policy:Rules:0:Actions:1"] = "Read",
            ["Policy:Rules:0:Groups:0"] = "admins",
            ["Reauthentication:Workflows:0"] = "long-*",
            ["Reauthentication:Wait"] = "00:05:00",
        }).Build();
        _services = new ServiceCollection()
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development })
            .AddHybridApiIdentity(identity)
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Authorize_WorkflowThatWaitsForReauthentication_GivesTheWaitToTheStartOnly()
    {
        var token = DevelopmentIssuer.LoadOrCreate(_keys).Mint(new DevelopmentTokenRequest { Subject = "alice", Groups = ["admins"], Lifetime = TimeSpan.FromHours(1) });

        var start = await AuthorizeAsync(new(HybridApiRoute.StartExecution, "long-run", "long-run:a", Request(token)));
        var describe = await AuthorizeAsync(new(HybridApiRoute.DescribeExecution, "long-run", "long-run:a", Request(token)));
        var list = await AuthorizeAsync(new(HybridApiRoute.ListExecutions, "long-run", null, Request(token)));
        var submit = await AuthorizeAsync(new(HybridApiRoute.SubmitToken, "long-run", "long-run:a", Request(token), ExecutionSubject: "alice"));
        var other = await AuthorizeAsync(new(HybridApiRoute.StartExecution, "short-run", "short-run:a", Request(token)));

        Assert.All([start, describe, list, submit, other], a => Assert.Equal("alice", a.Caller?.Subject));
        Assert.Equal(TimeSpan.FromMinutes(5), start.Caller!.ReauthenticationWait);
        Assert.Null(describe.Caller!.ReauthenticationWait);
        Assert.Null(list.Caller!.ReauthenticationWait);
        Assert.Null(submit.Caller!.ReauthenticationWait);
        Assert.Null(other.Caller!.ReauthenticationWait);
        Assert.Equal(token, start.Caller.Token);
        Assert.Equal(token, submit.Caller.Token);
        Assert.Null(describe.Caller.Token);
    }

    private async Task<HybridApiAuthorization> AuthorizeAsync(HybridApiRequest request) =>
        await _services.GetRequiredService<IHybridApiAuthorizer>().AuthorizeAsync(request);

    private static DefaultHttpContext Request(string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + token;
        return context;
    }
}
