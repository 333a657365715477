using Hybrid.Identity.Audit;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Sealing;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Identity.Tests;

public sealed class IdentityServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddHybridIdentity_FromConfiguration_ResolvesAWorkingGate()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Identity:Authority"] = "https://sso.example.com",
            ["Identity:Audiences:0"] = "https://api.example.com",
            ["Identity:ClockSkew"] = "00:00:10",
            ["Identity:Policy:Rules:0:Name"] = "admins",
            ["Identity:Policy:Rules:0:Workflows:0"] = "*",
            ["Identity:Policy:Rules:0:Actions:0"] = "Start",
            ["Identity:Policy:Rules:0:Groups:0"] = "admins",
        }).Build();
        using var provider = new ServiceCollection().AddHybridIdentity(configuration.GetSection("Identity")).BuildServiceProvider();

        var gate = provider.GetRequiredService<IdentityGate>();
        var outcome = await gate.AuthorizeAsync(null, new AccessRequest { Action = WorkflowAction.Start, Workflow = "w", ExecutionId = "e" });

        Assert.Equal(401, outcome.StatusCode);
        Assert.Equal("Bearer", outcome.WwwAuthenticate);
        Assert.Single(await provider.GetRequiredService<IAuditLog>().QueryByExecutionAsync("e"));
        Assert.IsType<TokenValidator>(provider.GetRequiredService<ITokenValidator>());
        var sealer = provider.GetRequiredService<ITokenSealer>();
        Assert.True(sealer.TryUnseal(sealer.Seal("t", "p"), "p", out var token));
        Assert.Equal("t", token);
    }

    [Fact]
    public void Bind_TokenValidationOptions_ReadsEveryDefaultExplicitly()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authority"] = "https://sso.example.com",
            ["Audiences:0"] = "a",
            ["Audiences:1"] = "b",
            ["Introspection:ClientId"] = "rs",
            ["Introspection:ClientSecret"] = "secret",
            ["RequireIntrospection"] = "true",
        }).Build().Get<TokenValidationOptions>()!;

        Assert.Equal(["a", "b"], options.Audiences);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(10), options.KeyRefreshThrottle);
        Assert.Empty(options.ValidTypes);
        Assert.Equal(["at+jwt", "application/at+jwt"], TokenValidationOptions.DefaultValidTypes);
        Assert.Equal("rs", options.Introspection?.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Introspection?.MaxCacheDuration);
        Assert.True(options.RequireIntrospection);
    }
}

public sealed class OptionsBindingTests
{
    [Fact]
    public void Bind_ListSetting_ReplacesTheDefaultList()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ValidTypes:0"] = "JWT",
            ["ValidAlgorithms:0"] = "PS256",
        }).Build().Get<TokenValidationOptions>()!;

        Assert.Equal(["JWT"], options.ValidTypes);
        Assert.Equal(["PS256"], options.ValidAlgorithms);
    }
}
