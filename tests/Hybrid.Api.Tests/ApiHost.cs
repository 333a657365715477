using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Durable.Executions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Api.Tests;

/// <summary>
/// The API hosted on Kestrel on 127.0.0.1 (a port the OS picks) with the strict fake behind it, once per test class;
/// every test starts from a reset fake and ends by checking that the fake saw no call it did not expect.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    private WebApplication? _app;

    public FakeExecutionService Fake { get; } = new();

    public TestAuthorizer Authorizer { get; } = new();

    public ListLoggerProvider Logs { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A path base the host serves under (as behind a reverse proxy), or null.</summary>
    protected virtual string? PathBase => null;

    public async Task InitializeAsync()
    {
        Fake.AddWorkflow("hello", Workflows.Hello);
        Fake.AddWorkflow("orders", Workflows.Orders);
        Fake.AddWorkflow("polling", Workflows.Polling);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Services.AddSingleton<IExecutionService>(Fake);
        builder.Services.AddSingleton<IWorkflowRegistry>(Fake);
        builder.Services.AddSingleton<IHybridApiAuthorizer>(Authorizer);
        builder.Services.AddHybridApi();
        _app = builder.Build();
        if (PathBase is { } pathBase)
        {
            _app.UsePathBase(pathBase);
            _app.UseRouting();
        }

        _app.MapHybridApi();
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + PathBase + "/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public void Reset()
    {
        Fake.Reset();
        Authorizer.Reset();
        Logs.Entries.Clear();
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string? body, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request);
    }

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Assert.IsType<JsonObject>(JsonNode.Parse(text));
    }

    /// <summary>Checks the RFC 7807 shape and returns the problem.</summary>
    public static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = Assert.IsType<JsonObject>(JsonNode.Parse(text));
        Assert.StartsWith("https://tools.ietf.org/html/rfc9110#section-", (string?)problem["type"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.Equal((int)status, (int?)problem["status"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal(Uri.UnescapeDataString(response.RequestMessage!.RequestUri!.AbsolutePath), Uri.UnescapeDataString((string?)problem["instance"] ?? ""));
        return problem;
    }
}

/// <summary>The base of the HTTP test classes: a reset fake before each test, no unexpected call after it.</summary>
public abstract class ApiTestBase : IClassFixture<ApiHost>, IDisposable
{
    protected ApiTestBase(ApiHost host)
    {
        Host = host;
        host.Reset();
    }

    protected ApiHost Host { get; }

    protected FakeExecutionService Fake => Host.Fake;

    protected HttpClient Client => Host.Client;

    public void Dispose()
    {
        Assert.Empty(Fake.Unexpected);
        GC.SuppressFinalize(this);
    }
}
