using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Functions.Tests.Rotation;

/// <summary>
/// A strict test double of the two Ping management calls Hybrid makes, on 127.0.0.1, because neither PingOne nor
/// PingFederate can be reached from here. It serves only
/// <c>POST /v1/environments/{env}/applications/{app}/secret</c> (PingOne; the bearer token must be one the OIDC test
/// provider issued to the worker client, checked by introspection there) and
/// <c>GET|PUT /pf-admin-api/v1/oauth/clients/{id}/clientAuth/clientSecret</c> (PingFederate; HTTP Basic administrator
/// credentials and <c>X-XSRF-Header: PingFederate</c>). It keeps the secrets the way Ping does (a current secret, a
/// previous or secondary secrets with their expiry) and checks every request's shape. Anything else is recorded in
/// <see cref="Unexpected"/> and refused, so a test fails loudly on it.
/// </summary>
public sealed partial class PingManagementDouble : IAsyncDisposable
{
    public const string EnvironmentId = "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6";
    public const string ApplicationId = "48567a65-8f00-4630-b8b0-2c02ce94168a";
    public const string PfClientId = "hybrid-api";
    public const string AdminUser = "administrator";
    public const string AdminPassword = "2Federate";

    private readonly WebApplication _app;
    private readonly Uri _issuer;
    private readonly string _workerClient;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly Dictionary<string, string> _encrypted = new(StringComparer.Ordinal);
    private List<(string Secret, DateTimeOffset Expiry)> _older = [];

    private PingManagementDouble(WebApplication app, Uri issuer, string workerClient)
    {
        _app = app;
        _issuer = issuer;
        _workerClient = workerClient;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The secret the client authenticates with now.</summary>
    public string Secret { get; private set; } = "initial-secret-0123456789";

    /// <summary>The secrets still accepted beside <see cref="Secret"/> (PingOne's previous, PingFederate's secondaries), with their expiry.</summary>
    public IReadOnlyList<(string Secret, DateTimeOffset Expiry)> Older
    {
        get
        {
            lock (_gate)
            {
                return [.. _older];
            }
        }
    }

    /// <summary>Every call the double answered, as "METHOD path status".</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>Requests the double did not expect: a wrong path, method, header or body. Must stay empty.</summary>
    public IReadOnlyList<string> Unexpected => [.. _unexpected];

    /// <summary>Starts the double; PingOne bearer tokens are introspected at <paramref name="issuer"/> and must belong to <paramref name="workerClient"/>.</summary>
    public static async Task<PingManagementDouble> StartAsync(Uri issuer, string workerClient)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var ping = new PingManagementDouble(app, issuer, workerClient);
        app.Run(ping.HandleAsync);
        await app.StartAsync();
        ping.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return ping;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        try
        {
            if (PingOnePath().Match(path) is { Success: true } p1 && request.Method == "POST")
            {
                await PingOneRotateAsync(context, p1.Groups["env"].Value, p1.Groups["app"].Value);
            }
            else if (PingFederatePath().Match(path) is { Success: true } pf && request.Method is "GET" or "PUT")
            {
                await PingFederateAsync(context, Uri.UnescapeDataString(pf.Groups["id"].Value));
            }
            else
            {
                await FailAsync(context, 404, "NOT_FOUND", $"unexpected {request.Method} {path}");
            }
        }
        finally
        {
            _calls.Enqueue($"{request.Method} {path} {context.Response.StatusCode}");
        }
    }

    private async Task PingOneRotateAsync(HttpContext context, string env, string app)
    {
        var request = context.Request;
        if (env != EnvironmentId || app != ApplicationId)
        {
            await FailAsync(context, 404, "NOT_FOUND", $"unexpected environment {env} or application {app}");
            return;
        }

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth) || auth.Scheme != "Bearer" || auth.Parameter is null
            || !await IsWorkerTokenAsync(auth.Parameter))
        {
            // A refused token is an answer Ping gives, not a defect of the request's shape.
            await WriteAsync(context, 401, new JsonObject { ["code"] = "INVALID_TOKEN", ["message"] = "The request could not be completed. The access token is invalid." });
            return;
        }

        if (await ReadJsonAsync(context) is not JsonObject body)
        {
            return;
        }

        if (body.Count != 1 || body["previous"] is not JsonObject previous || previous.Count != 1
            || previous["expiresAt"] is not JsonValue expiresValue || !expiresValue.TryGetValue<string>(out var expiresText) || !PingTimestamp().IsMatch(expiresText))
        {
            await FailAsync(context, 400, "INVALID_DATA", $"the body must be {{\"previous\":{{\"expiresAt\":\"yyyy-MM-ddTHH:mm:ss.fffZ\"}}}}, not {body.ToJsonString()}");
            return;
        }

        var expiresAt = DateTimeOffset.Parse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var now = DateTimeOffset.UtcNow;
        if (expiresAt <= now.AddMinutes(1).AddSeconds(-30) || expiresAt > now.AddDays(30))
        {
            await FailAsync(context, 400, "INVALID_VALUE", $"previous.expiresAt {expiresText} is not within 1 minute to 30 days from now");
            return;
        }

        string old, secret;
        lock (_gate)
        {
            old = Secret;
            secret = NewSecret();
            Secret = secret;
            _older = [(old, expiresAt)];
        }

        await WriteAsync(context, 200, new JsonObject
        {
            ["environment"] = new JsonObject { ["id"] = env },
            ["secret"] = secret,
            ["previous"] = new JsonObject { ["secret"] = old, ["expiresAt"] = expiresText },
        });
    }

    private async Task PingFederateAsync(HttpContext context, string id)
    {
        var request = context.Request;
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth) || auth.Scheme != "Basic"
            || Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter ?? "")) != $"{AdminUser}:{AdminPassword}")
        {
            await WriteAsync(context, 401, new JsonObject { ["resultId"] = "invalid_credentials", ["message"] = "Authentication failed." });
            return;
        }

        if (request.Headers["X-XSRF-Header"] != "PingFederate")
        {
            await FailAsync(context, 403, "missing_xsrf_header", "the X-XSRF-Header: PingFederate header is missing");
            return;
        }

        if (id != PfClientId)
        {
            await FailAsync(context, 404, "resource_not_found", $"unexpected OAuth client {id}");
            return;
        }

        if (request.Method == "GET")
        {
            await WriteAsync(context, 200, Describe());
            return;
        }

        if (await ReadJsonAsync(context) is not JsonObject body)
        {
            return;
        }

        var unknown = body.Select(p => p.Key).Except(["secret", "secondarySecrets"]).ToList();
        if (unknown.Count > 0 || body["secret"] is not JsonValue secretValue || !secretValue.TryGetValue<string>(out var secret) || secret.Length < 22
            || body["secondarySecrets"] is not JsonArray secondaries)
        {
            await FailAsync(context, 422, "validation_error", $"the body must be {{\"secret\": a new secret of 22+ characters, \"secondarySecrets\": [...]}}, not {body.ToJsonString()}");
            return;
        }

        var kept = new List<(string, DateTimeOffset)>();
        foreach (var entry in secondaries)
        {
            if (entry is not JsonObject s || s.Count != 2 || (string?)s["encryptedSecret"] is not { } encrypted || (string?)s["expiryTime"] is not { } expiry
                || !PingTimestamp().IsMatch(expiry) || !_encrypted.TryGetValue(encrypted, out var plain))
            {
                await FailAsync(context, 422, "validation_error", $"a secondary secret must be {{\"encryptedSecret\": one this server gave out, \"expiryTime\": ...}}, not {entry?.ToJsonString()}");
                return;
            }

            kept.Add((plain, DateTimeOffset.Parse(expiry, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
        }

        lock (_gate)
        {
            Secret = secret;
            _older = kept;
        }

        await WriteAsync(context, 200, Describe());
    }

    private JsonObject Describe()
    {
        lock (_gate)
        {
            var secondaries = new JsonArray();
            foreach (var (secret, expiry) in _older)
            {
                secondaries.Add(new JsonObject { ["encryptedSecret"] = Encrypt(secret), ["expiryTime"] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) });
            }

            return new JsonObject { ["encryptedSecret"] = Encrypt(Secret), ["secondarySecrets"] = secondaries };
        }
    }

    /// <summary>PingFederate hands secrets out only encrypted; an opaque token that maps back to the secret here.</summary>
    private string Encrypt(string secret)
    {
        var encrypted = "OBF:JWE:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        _encrypted[encrypted] = secret;
        return encrypted;
    }

    private async Task<bool> IsWorkerTokenAsync(string token)
    {
        using var introspect = new HttpRequestMessage(HttpMethod.Post, new Uri(_issuer, "/as/introspect.oauth2"));
        introspect.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("hybrid-api:api-secret")));
        introspect.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token });
        using var response = await _http.SendAsync(introspect);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return response.IsSuccessStatusCode && (bool?)answer?["active"] == true && (string?)answer["client_id"] == _workerClient;
    }

    private async Task<JsonObject?> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentType?.Split(';')[0].Trim() != "application/json")
        {
            await FailAsync(context, 415, "UNSUPPORTED_MEDIA_TYPE", $"the content type must be application/json, not {context.Request.ContentType}");
            return null;
        }

        try
        {
            if (await JsonNode.ParseAsync(context.Request.Body) is JsonObject body)
            {
                return body;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        await FailAsync(context, 400, "INVALID_REQUEST", "the body is not a JSON object");
        return null;
    }

    private async Task FailAsync(HttpContext context, int status, string code, string message)
    {
        _unexpected.Enqueue($"{context.Request.Method} {context.Request.Path}: {message}");
        await WriteAsync(context, status, new JsonObject { ["code"] = code, ["message"] = message });
    }

    private static Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '.').Replace('/', '~');

    [GeneratedRegex(@"^/v1/environments/(?<env>[^/]+)/applications/(?<app>[^/]+)/secret$")]
    private static partial Regex PingOnePath();

    [GeneratedRegex(@"^/pf-admin-api/v1/oauth/clients/(?<id>[^/]+)/clientAuth/clientSecret$")]
    private static partial Regex PingFederatePath();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")]
    private static partial Regex PingTimestamp();
}
