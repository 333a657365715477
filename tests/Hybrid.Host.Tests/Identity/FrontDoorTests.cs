using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Testing;

namespace Hybrid.Host.Tests.Identity;

/// <summary>The HTTP front door of <c>hybrid serve</c> against the real OIDC provider: 401, 403 and 200 over real HTTP, each audited.</summary>
[Collection(IdentityCollection.Name)]
public sealed class FrontDoorTests(OidcProviderFixture oidc) : IAsyncLifetime
{
    private IdentityHost _host = null!;

    public async Task InitializeAsync() => _host = await IdentityHost.StartAsync(IdentityHost.OidcIdentity(oidc));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string> BadTokens => new()
    {
        { "missing", "" },
        { "malformed", "the token is malformed" },
        { "expired", "the token expired at " },
        { "wrong-audience", "the audience 'https://other.example' is not accepted" },
        { "revoked-reference", "the authorization server reports the token is not active" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Start_BadToken_Answers401WithTheChallengeAndAuditsIt(string kind, string reason)
    {
        var token = kind switch
        {
            "missing" => null,
            "malformed" => "not.a-token",
            "expired" => IdentityHost.Forge(oidc, DateTimeOffset.UtcNow.AddMinutes(-5)),
            "wrong-audience" => IdentityHost.Forge(oidc, DateTimeOffset.UtcNow.AddHours(1), "https://other.example"),
            _ => await RevokedReferenceTokenAsync(),
        };

        using var response = await _host.SendAsync(HttpMethod.Post, "/api/workflows/greet/executions?name=bad-" + kind, token, "{}");

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var admin = await oidc.TokenAsync();
        var audit = await _host.AuditAsync("greet:bad-" + kind, admin);
        var entry = Assert.Single(audit, e => (string?)e!["action"] == "Start")!;
        Assert.Equal("Deny", (string?)entry["decision"]);
        Assert.Null(entry["subject"]);
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), (string?)entry["correlationId"]);
        if (kind == "missing")
        {
            Assert.Equal("Bearer", challenge);
            Assert.Equal("Hybrid.TokenInvalid", (string?)problem["code"]);
        }
        else
        {
            Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"", challenge, StringComparison.Ordinal);
            Assert.StartsWith(reason, (string?)entry["reason"], StringComparison.Ordinal);
            Assert.Equal(kind switch { "expired" => "Hybrid.TokenExpired", "revoked-reference" => "Hybrid.TokenRevoked", _ => "Hybrid.TokenInvalid" }, (string?)problem["code"]);
            Assert.Equal(problem["code"]!.GetValue<string>(), (string?)entry["error"]);
        }

        using var status = await _host.SendAsync(HttpMethod.Get, "/api/executions/greet:bad-" + kind, admin);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task Routes_ReaderAndAdmin_GetTheirPolicysAnswers()
    {
        var admin = await oidc.TokenAsync();
        var reader = await oidc.TokenAsync(client: "hybrid-reader", scope: "workflows:read");
        var nobody = await oidc.TokenAsync(client: "hybrid-nogroups");

        using var readerStart = await _host.SendAsync(HttpMethod.Post, "/api/workflows/greet/executions?name=by-reader", reader, "{}");
        await _host.StartAsync("greet", "by-admin", admin);
        var done = await _host.WaitForEndAsync("greet:by-admin", () => admin);
        using var readerRead = await _host.SendAsync(HttpMethod.Get, "/api/executions/greet:by-admin", reader);
        using var readerHistory = await _host.SendAsync(HttpMethod.Get, "/api/executions/greet:by-admin/history", reader);
        using var readerStop = await _host.SendAsync(HttpMethod.Post, "/api/executions/greet:by-admin/stop", reader);
        using var readerOther = await _host.SendAsync(HttpMethod.Get, "/api/workflows/expiring", reader);
        using var readerCallback = await _host.SendAsync(HttpMethod.Post, "/api/tasks/success", reader, """{"taskToken":"Z3JlZXQ6YnktYWRtaW4.0123456789abcdef0123456789abcdef","output":{}}""");
        using var nobodyList = await _host.SendAsync(HttpMethod.Get, "/api/workflows", nobody);
        var readerList = await _host.GetJsonAsync("/api/workflows", reader);
        var adminList = await _host.GetJsonAsync("/api/workflows", admin);
        var readerExecutions = await _host.GetJsonAsync("/api/executions", reader);
        using var page = await _host.SendAsync(HttpMethod.Get, "/", null);

        var forbidden = await ProblemAsync(readerStart, HttpStatusCode.Forbidden);
        Assert.Equal("Hybrid.AccessDenied", (string?)forbidden["code"]);
        Assert.Equal("Bearer error=\"insufficient_scope\"", readerStart.Headers.WwwAuthenticate.ToString());
        Assert.StartsWith("No rule allows starting 'greet' to subject 'hybrid-reader'", (string?)forbidden["detail"], StringComparison.Ordinal);
        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.Equal(HttpStatusCode.OK, readerRead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readerHistory.StatusCode);
        await ProblemAsync(readerStop, HttpStatusCode.Forbidden);
        await ProblemAsync(readerOther, HttpStatusCode.Forbidden);
        await ProblemAsync(readerCallback, HttpStatusCode.Forbidden);
        await ProblemAsync(nobodyList, HttpStatusCode.Forbidden);
        Assert.Equal(["greet"], Names(readerList["workflows"]!));
        Assert.Equal(["expiring", "fan", "greet", "long", "reauth-expiring", "reauth-long", "reauth-long-timed"], Names(adminList["workflows"]!));
        Assert.All(readerExecutions["executions"]!.AsArray(), e => Assert.Equal("greet", (string?)e!["workflow"]));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var audit = await _host.AuditAsync("greet:by-admin", admin);
        var decisions = audit.Select(e => $"{e!["subject"]} {e["action"]} {e["decision"]} {e["state"]}").ToList();
        Assert.Contains("hybrid-admin Start Allow ", decisions);
        Assert.Contains("hybrid-admin Start Allow Hello", decisions);
        Assert.Contains("hybrid-reader Read Allow ", decisions);
        Assert.Contains("hybrid-reader Stop Deny ", decisions);
        Assert.Contains("hybrid-reader Callback Deny ", decisions);
    }

    [Fact]
    public async Task Start_ValidToken_TagsTheExecutionAndShowsThePrincipalToTheWorkflow()
    {
        var admin = await oidc.TokenAsync();

        await _host.StartAsync("greet", "principal", admin);
        var done = await _host.WaitForEndAsync("greet:principal", () => admin);

        Assert.Equal("SUCCEEDED", (string?)done["status"]);
        Assert.Equal("hybrid-admin", (string?)done["subject"]);
        var principal = done["output"]!["principal"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""{"sub":"hybrid-admin","client_id":"hybrid-admin","iss":"{{oidc.Issuer}}","groups":["admins","operators"],"scopes":["workflows:start","workflows:read"]}"""),
            principal),
            principal.ToJsonString());
    }

    [Fact]
    public async Task Start_WithoutName_IsAuditedUnderTheExecutionItCreates()
    {
        var admin = await oidc.TokenAsync();

        using var response = await _host.SendAsync(HttpMethod.Post, "/api/workflows/greet/executions", admin, "{}");
        var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["executionId"]!;
        await _host.WaitForEndAsync(id, () => admin);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var audit = await _host.AuditAsync(id, admin);
        Assert.Equal("Start", (string?)audit[0]!["action"]);
        Assert.Null(audit[0]!["state"]);
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), (string?)audit[0]!["correlationId"]);
    }

    private async Task<string> RevokedReferenceTokenAsync()
    {
        var token = await oidc.TokenAsync(resource: OidcProviderFixture.ReferenceResource);
        await oidc.RevokeAsync(token);
        return token;
    }

    private static string[] Names(JsonNode workflows) => [.. workflows.AsArray().Select(w => (string)w!["name"]!)];

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }
}
