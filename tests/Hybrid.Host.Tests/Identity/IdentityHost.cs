using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Hybrid.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Host.Tests.Identity;

/// <summary>
/// <c>hybrid serve</c>'s host (<see cref="LocalHost"/>) on a free loopback port with the identity workflows of
/// <see cref="IdentityWorkflows"/>, a given Identity configuration and a <see cref="FakeTimeProvider"/> as the identity
/// layer's clock, so a test can make tokens expire without sleeping. Requests go over real HTTP.
/// </summary>
internal sealed class IdentityHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private IdentityHost(WebApplication app, string folder, FakeTimeProvider time, HttpClient http)
    {
        _app = app;
        _folder = folder;
        Time = time;
        Http = http;
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the host; <paramref name="services"/> adds to its services (a task handler registry with a test's handlers).</summary>
    public static async Task<IdentityHost> StartAsync(
        IDictionary<string, string?> identity, string environment = "Production", DurableBackendOptions? backend = null, Action<IServiceCollection>? services = null)
    {
        var folder = IdentityWorkflows.WriteTo(Directory.CreateTempSubdirectory("hybrid-identity-").FullName);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var port = FreePorts.Next();
        var options = new LocalHostOptions
        {
            Workflows = folder,
            Mocks = folder,
            Urls = $"http://127.0.0.1:{port}",
            Environment = environment,
            Identity = new ConfigurationBuilder().AddInMemoryCollection(identity).Build(),
            Backend = backend ?? new DurableBackendOptions(),
        };
        var app = LocalHost.Build(options, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        return new IdentityHost(app, folder, time, http);
    }

    /// <summary>The Identity section for the loopback OIDC provider: JWT and reference tokens, and the tests' policy.</summary>
    public static Dictionary<string, string?> OidcIdentity(OidcProviderFixture oidc) => new()
    {
        ["Authority"] = oidc.Issuer,
        ["Audiences:0"] = OidcProviderFixture.JwtResource,
        ["Audiences:1"] = OidcProviderFixture.ReferenceResource,
        ["RequireHttpsMetadata"] = "false",
        ["Introspection:ClientId"] = "hybrid-api",
        ["Introspection:ClientSecret"] = "api-secret",
        ["Policy:Rules:0:Name"] = "admins",
        ["Policy:Rules:0:Workflows:0"] = "*",
        ["Policy:Rules:0:Actions:0"] = "Start",
        ["Policy:Rules:0:Actions:1"] = "Read",
        ["Policy:Rules:0:Actions:2"] = "Stop",
        ["Policy:Rules:0:Actions:3"] = "Callback",
        ["Policy:Rules:0:Groups:0"] = "admins",
        ["Policy:Rules:1:Name"] = "readers",
        ["Policy:Rules:1:Workflows:0"] = "greet",
        ["Policy:Rules:1:Actions:0"] = "Read",
        ["Policy:Rules:1:Groups:0"] = "readers",
    };

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    public async Task<JsonObject> StartAsync(string workflow, string name, string token, string input = "{}")
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/workflows/{workflow}/executions?name={name}", token, input);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"start: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls the execution until it is no longer RUNNING (30 s at most).</summary>
    public async Task<JsonObject> WaitForEndAsync(string executionId, Func<string> token)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var description = await GetJsonAsync($"/api/executions/{executionId}", token());
            if (description["status"]!.GetValue<string>() != "RUNNING")
            {
                return description;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async Task<JsonObject> GetJsonAsync(string path, string token)
    {
        using var response = await SendAsync(HttpMethod.Get, path, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The audit entries of an execution, read with <paramref name="token"/>.</summary>
    public async Task<JsonArray> AuditAsync(string executionId, string token) =>
        (await GetJsonAsync($"/api/executions/{executionId}/audit", token))["entries"]!.AsArray();

    /// <summary>A token signed with the provider's own key, with claims a provider would not issue (expired, other audience).</summary>
    public static string Forge(OidcProviderFixture oidc, DateTimeOffset expires, string audience = OidcProviderFixture.JwtResource) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = oidc.Issuer,
            Audience = audience,
            IssuedAt = expires.UtcDateTime.AddHours(-2),
            Expires = expires.UtcDateTime,
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["client_id"] = "hybrid-admin", ["groups"] = new[] { "admins" } },
            SigningCredentials = new SigningCredentials(oidc.SigningKey, SecurityAlgorithms.RsaSha256),
        });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
