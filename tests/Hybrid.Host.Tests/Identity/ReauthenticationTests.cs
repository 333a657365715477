using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Host.Local;
using Hybrid.Identity.Development;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Host.Tests.Identity;

/// <summary>
/// An execution of a workflow listed in <c>Identity:Reauthentication</c> pauses when its token has expired, until the
/// same subject hands in a fresh one (<c>POST /api/executions/{id}/token</c>), or fails with <c>Hybrid.TokenExpired</c>
/// after the bound. Tokens come from the development issuer (with the tests' clock), on the embedded Development defaults.
/// </summary>
public sealed class ReauthenticationTests : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory("hybrid-reauth-keys-").FullName;
    private IdentityHost _host = null!;
    private DevelopmentIssuer _issuer = null!;

    public async Task InitializeAsync()
    {
        var identity = LocalHost.DevelopmentIdentity(_keys).AsEnumerable().ToDictionary(p => p.Key, p => p.Value);
        identity["Reauthentication:Workflows:0"] = "reauth-*";
        identity["Reauthentication:Wait"] = "00:00:05";
        _host = await IdentityHost.StartAsync(identity, environment: "Development");
        _issuer = DevelopmentIssuer.LoadOrCreate(_keys, _host.Time);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task ExpiredToken_PausesUntilTheSameSubjectHandsInAFreshOne_ThenGoesOn()
    {
        await _host.StartAsync("reauth-expiring", "resumes", Token("alice", TimeSpan.FromMinutes(10)));
        _host.Time.Advance(TimeSpan.FromHours(1));
        var fresh = Token("alice", TimeSpan.FromHours(1));

        var refused = await WaitForRefusedCheckAsync("reauth-expiring:resumes", fresh);
        var paused = await _host.GetJsonAsync("/api/executions/reauth-expiring:resumes", fresh);
        using var bob = await _host.SendAsync(HttpMethod.Post, "/api/executions/reauth-expiring:resumes/token", Token("bob", TimeSpan.FromHours(1)));
        using var handed = await _host.SendAsync(HttpMethod.Post, "/api/executions/reauth-expiring:resumes/token", fresh);
        var done = await _host.WaitForEndAsync("reauth-expiring:resumes", () => fresh);

        Assert.Equal("Hybrid.TokenExpired", (string?)refused["error"]);
        Assert.Equal("RUNNING", (string?)paused["status"]);
        Assert.Equal("Work", (string?)paused["currentState"]);
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
        Assert.Equal("Only 'alice', for whom the execution runs, may hand it a token, not 'bob'.", (string?)JsonNode.Parse(await bob.Content.ReadAsStringAsync())!["detail"]);
        Assert.Equal(HttpStatusCode.Accepted, handed.StatusCode);
        Assert.Equal("alice", (string?)JsonNode.Parse(await handed.Content.ReadAsStringAsync())!["subject"]);
        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.True((bool)done["output"]!["worked"]!);
        var checks = (await _host.AuditAsync("reauth-expiring:resumes", fresh)).Where(e => (string?)e!["state"] == "Work").ToList();
        Assert.Equal(["Deny", "Allow"], checks.Select(e => (string?)e!["decision"]));
    }

    [Fact]
    public async Task ExpiredToken_NoFreshTokenWithinTheBound_FailsWithTokenExpired()
    {
        await _host.StartAsync("reauth-expiring", "gives-up", Token("alice", TimeSpan.FromMinutes(10)));
        _host.Time.Advance(TimeSpan.FromHours(1));
        var reader = Token("alice", TimeSpan.FromHours(1));

        var done = await _host.WaitForEndAsync("reauth-expiring:gives-up", () => reader);

        Assert.Equal("FAILED", (string?)done["status"]);
        Assert.Equal("Hybrid.TokenExpired", (string?)done["error"]);
        Assert.Contains("no fresh token was handed in within 00:00:05 (POST /api/executions/reauth-expiring:gives-up/token)", (string?)done["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshToken_ForAWorkflowThatDoesNotWait_IsRefusedWith409()
    {
        var token = Token("alice", TimeSpan.FromHours(1));
        await _host.StartAsync("greet", "no-wait", token);
        await _host.WaitForEndAsync("greet:no-wait", () => token);

        using var response = await _host.SendAsync(HttpMethod.Post, "/api/executions/greet:no-wait/token", token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("TokenNotAccepted", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
    }

    private string Token(string subject, TimeSpan lifetime) =>
        _issuer.Mint(new DevelopmentTokenRequest { Subject = subject, Groups = ["admins"], Lifetime = lifetime });

    private async Task<JsonObject> WaitForRefusedCheckAsync(string executionId, string token)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var refused = (await _host.AuditAsync(executionId, token)).FirstOrDefault(e => (string?)e!["state"] == "Work" && (string?)e["decision"] == "Deny");
            if (refused is not null)
            {
                return refused.AsObject();
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
