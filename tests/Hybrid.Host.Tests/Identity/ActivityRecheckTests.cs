using System.Text.Json.Nodes;
using Hybrid.Testing;

namespace Hybrid.Host.Tests.Identity;

/// <summary>
/// Before every Task, the dispatch activity unseals the execution's token and checks it again against the real OIDC
/// provider: a token that expires, or is revoked, while the execution waits fails the next Task with an ASL error the
/// state machine catches, and the check is audited with the state and resource.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class ActivityRecheckTests(OidcProviderFixture oidc) : IAsyncLifetime
{
    private IdentityHost _host = null!;

    public async Task InitializeAsync() => _host = await IdentityHost.StartAsync(IdentityHost.OidcIdentity(oidc));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TokenExpiresDuringAWait_NextTaskFailsWithTokenExpiredAndTheCatchHandlesIt()
    {
        var token = await oidc.TokenAsync();
        await _host.StartAsync("expiring", "expires", token);

        // The provider's tokens live 120 minutes: three hours later, on the identity layer's clock, this one has expired.
        _host.Time.Advance(TimeSpan.FromHours(3));
        var reader = () => IdentityHost.Forge(oidc, _host.Time.GetUtcNow().AddHours(1));
        var done = await _host.WaitForEndAsync("expiring:expires", reader);

        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.Equal("Hybrid.TokenExpired", (string?)done["output"]!["error"]!["Error"]);
        Assert.StartsWith("the token expired at ", (string?)done["output"]!["error"]!["Cause"], StringComparison.Ordinal);
        var check = await WorkCheckAsync("expiring:expires", reader());
        Assert.Equal("Deny", (string?)check["decision"]);
        Assert.Equal("Hybrid.TokenExpired", (string?)check["error"]);
        Assert.Equal("arn:aws:states:::lambda:invoke", (string?)check["resource"]);
        Assert.Equal("expiring", (string?)check["workflow"]);
        Assert.Equal("expiring:expires/Work/0", (string?)check["correlationId"]);
    }

    [Fact]
    public async Task ReferenceTokenRevokedDuringAWait_NextTaskFailsWithTokenRevoked()
    {
        var token = await oidc.TokenAsync(resource: OidcProviderFixture.ReferenceResource);
        await _host.StartAsync("expiring", "revoked", token);

        // Revoked at the provider; past the introspection cache's 60 s, the Task's check asks the provider again.
        await oidc.RevokeAsync(token);
        _host.Time.Advance(TimeSpan.FromMinutes(2));
        var admin = await oidc.TokenAsync();
        var done = await _host.WaitForEndAsync("expiring:revoked", () => admin);

        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.Equal("Hybrid.TokenRevoked", (string?)done["output"]!["error"]!["Error"]);
        var check = await WorkCheckAsync("expiring:revoked", admin);
        Assert.Equal("Hybrid.TokenRevoked", (string?)check["error"]);
    }

    [Fact]
    public async Task ValidToken_EveryTaskIsCheckedAndAuditedAsAllowed()
    {
        var token = await oidc.TokenAsync();
        await _host.StartAsync("fan", "checked", token, """{"items":[1,2,3]}""");

        var done = await _host.WaitForEndAsync("fan:checked", () => token);

        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        var audit = await _host.AuditAsync("fan:checked", token);
        var checks = audit.Where(e => e!["state"] is not null).ToList();
        Assert.Equal(4, checks.Count);
        Assert.Equal(3, checks.Count(e => (string?)e!["state"] == "Item"));
        Assert.All(checks, e =>
        {
            Assert.Equal("Allow", (string?)e!["decision"]);
            Assert.Equal("hybrid-admin", (string?)e["subject"]);
            Assert.Equal("admins", (string?)e["policyRule"]);
        });
    }

    private async Task<JsonObject> WorkCheckAsync(string executionId, string token) =>
        Assert.Single(await _host.AuditAsync(executionId, token), e => (string?)e!["state"] == "Work")!.AsObject();
}
