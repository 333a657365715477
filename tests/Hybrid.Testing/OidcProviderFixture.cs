using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Hybrid.Testing;

/// <summary>
/// Starts tests/tools/oidc/server.mjs (oidc-provider configured like PingFederate) on a free loopback port with two RSA
/// keys the tests hold, so negative cases can be forged with the issuer's own private key.
/// </summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    public const string JwtResource = "https://api.hybrid.test";
    public const string ReferenceResource = "https://ref.hybrid.test";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _keysFile = Path.Combine(Path.GetTempPath(), "hybrid-oidc-keys-" + Path.GetRandomFileName() + ".json");
    private NodeProcess? _process;

    public int Port { get; private set; }

    public string Issuer => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>The key the provider signs with at start (its kid is published first).</summary>
    public RsaSecurityKey SigningKey { get; } = NewKey("test-active");

    /// <summary>The second published key (Ping publishes pending or retired keys beside the active one).</summary>
    public RsaSecurityKey SecondKey { get; } = NewKey("test-pending");

    public async Task InitializeAsync()
    {
        var jwks = new JsonObject { ["keys"] = new JsonArray(PrivateJwk(SigningKey), PrivateJwk(SecondKey)) };
        await File.WriteAllTextAsync(_keysFile, jwks.ToJsonString());
        Port = FreePorts.Next();
        _process = NodeProcess.Start(
            RepoPaths.Combine("tests", "tools", "oidc", "server.mjs"),
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--keys", _keysFile]);
        try
        {
            await FreePorts.WaitUntilListeningAsync(Port, StartTimeout, () => _process.HasExited);
            var deadline = DateTime.UtcNow + StartTimeout;
            while (true)
            {
                try
                {
                    using var response = await Http.GetAsync(new Uri($"{Issuer}/.well-known/openid-configuration"));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("discovery did not answer");
                }

                await Task.Delay(50);
            }
        }
        catch (Exception e)
        {
            var output = _process.Output;
            await DisposeAsync();
            throw new InvalidOperationException($"oidc-provider did not start: {e.Message}\n{output}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        File.Delete(_keysFile);
        Http.Dispose();
    }

    /// <summary>A client-credentials access token from the provider.</summary>
    public async Task<string> TokenAsync(
        string client = "hybrid-admin", string resource = JwtResource, string scope = "workflows:start workflows:read")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Issuer}/as/token.oauth2");
        request.Headers.Authorization = Basic(client, SecretOf(client));
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["resource"] = resource,
            ["scope"] = scope,
        });
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>RFC 7009 revocation by the client that holds the token.</summary>
    public async Task RevokeAsync(string token, string client = "hybrid-admin")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Issuer}/as/revoke_token.oauth2");
        request.Headers.Authorization = Basic(client, SecretOf(client));
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token });
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Publishes a new signing key (the previous one stays as retired). Returns its kid.</summary>
    public async Task<string> RotateAsync()
    {
        using var response = await Http.PostAsync(new Uri($"{Issuer}/test/rotate"), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("kid").GetString()!;
    }

    public static string SecretOf(string client) => client switch
    {
        "hybrid-admin" => "admin-secret",
        "hybrid-reader" => "reader-secret",
        "hybrid-nogroups" => "nogroups-secret",
        "hybrid-api" => "api-secret",
        _ => "unknown",
    };

    private static AuthenticationHeaderValue Basic(string id, string secret)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));

    private static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid + "-" + Guid.NewGuid().ToString("N")[..8] };

    private static JsonObject PrivateJwk(RsaSecurityKey key)
    {
        var p = key.Rsa.ExportParameters(includePrivateParameters: true);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["kid"] = key.KeyId,
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["d"] = Base64UrlEncoder.Encode(p.D),
            ["p"] = Base64UrlEncoder.Encode(p.P),
            ["q"] = Base64UrlEncoder.Encode(p.Q),
            ["dp"] = Base64UrlEncoder.Encode(p.DP),
            ["dq"] = Base64UrlEncoder.Encode(p.DQ),
            ["qi"] = Base64UrlEncoder.Encode(p.InverseQ),
        };
    }
}
