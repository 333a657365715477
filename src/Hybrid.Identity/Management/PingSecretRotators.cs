using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Duende.IdentityModel.Client;

namespace Hybrid.Identity.Management;

/// <summary>Rotates Hybrid's own Ping client secret, keeping the previous secret valid until a given time.</summary>
public interface IPingSecretRotator
{
    /// <exception cref="PingManagementException">Ping refused the call or answered with something unreadable.</exception>
    Task<RotatedClientSecret> RotateAsync(DateTimeOffset previousExpiresAt, CancellationToken cancellationToken = default);
}

/// <summary>Creates the rotator <see cref="PingManagementOptions.Kind"/> names.</summary>
public static class PingSecretRotator
{
    /// <returns>Null when the kind is <see cref="PingManagementKind.None"/>.</returns>
    public static IPingSecretRotator? Create(PingManagementOptions options, HttpClient http, TimeProvider time)
    {
        Check.NotNull(options);
        Check.NotNull(http);
        Check.NotNull(time);
        return options.Kind switch
        {
            PingManagementKind.PingOne => new PingOneSecretRotator(options, http),
            PingManagementKind.PingFederate => new PingFederateSecretRotator(options, http, time),
            _ => null,
        };
    }

    /// <summary>Ping's timestamps: UTC with milliseconds, as its examples write them.</summary>
    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static async Task<JsonObject> SendAsync(HttpClient http, HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PingManagementException($"{operation}: {request.RequestUri} could not be reached ({e.Message}).", null, e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // Ping's error bodies name the problem (code, message, details) and hold no secret.
                var detail = text.Length > 500 ? text[..500] + "..." : text;
                throw new PingManagementException($"{operation}: Ping answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}", (int)response.StatusCode);
            }

            try
            {
                return JsonNode.Parse(text) as JsonObject ?? throw new FormatException("not a JSON object");
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                throw new PingManagementException($"{operation}: Ping's answer is not the expected JSON object ({e.Message}).", (int)response.StatusCode, e);
            }
        }
    }

    internal static string RequiredString(JsonObject body, string field, string operation) =>
        body[field] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new PingManagementException($"{operation}: Ping's answer has no '{field}'.");
}

/// <summary>
/// PingOne: a worker token by client credentials, then <c>POST {ApiPath}/environments/{env}/applications/{app}/secret</c>
/// with <c>{"previous":{"expiresAt":...}}</c>. PingOne generates the new secret and keeps the previous one valid until
/// then (at most 30 days).
/// </summary>
internal sealed class PingOneSecretRotator(PingManagementOptions options, HttpClient http) : IPingSecretRotator
{
    private const string Operation = "PingOne secret rotation";

    public async Task<RotatedClientSecret> RotateAsync(DateTimeOffset previousExpiresAt, CancellationToken cancellationToken = default)
    {
        var token = await WorkerTokenAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri($"{options.ApiPath!.AbsoluteUri.TrimEnd('/')}/environments/{Uri.EscapeDataString(options.EnvironmentId!)}/applications/{Uri.EscapeDataString(options.ApplicationId!)}/secret");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(new JsonObject { ["previous"] = new JsonObject { ["expiresAt"] = PingSecretRotator.Timestamp(previousExpiresAt) } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = await PingSecretRotator.SendAsync(http, request, Operation, cancellationToken).ConfigureAwait(false);
        return new RotatedClientSecret(options.ApplicationId!, PingSecretRotator.RequiredString(body, "secret", Operation), previousExpiresAt);
    }

    private async Task<string> WorkerTokenAsync(CancellationToken cancellationToken)
    {
        using var request = new ClientCredentialsTokenRequest
        {
            Address = options.TokenEndpoint!.AbsoluteUri,
            ClientId = options.WorkerClientId!,
            ClientSecret = options.WorkerClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
        };
        if (options.TokenResource is { Length: > 0 } resource)
        {
            request.Resource.Add(resource);
        }

        var response = await http.RequestClientCredentialsTokenAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsError || response.AccessToken is not { Length: > 0 } token
            ? throw new PingManagementException($"{Operation}: the worker token request to {options.TokenEndpoint} failed ({response.Error}: {response.ErrorDescription}).", (int)response.HttpStatusCode)
            : token;
    }
}

/// <summary>
/// PingFederate: reads the client's secret settings (<c>GET .../oauth/clients/{id}/clientAuth/clientSecret</c>, which
/// answers the current secret only encrypted), then <c>PUT</c>s a new random secret with the current one as a secondary
/// secret that expires at the end of the grace period, keeping the secondary secrets that have not expired yet.
/// </summary>
internal sealed class PingFederateSecretRotator(PingManagementOptions options, HttpClient http, TimeProvider time) : IPingSecretRotator
{
    private const string Operation = "PingFederate secret rotation";

    public async Task<RotatedClientSecret> RotateAsync(DateTimeOffset previousExpiresAt, CancellationToken cancellationToken = default)
    {
        var uri = new Uri($"{options.AdminApi!.AbsoluteUri.TrimEnd('/')}/oauth/clients/{Uri.EscapeDataString(options.ClientId!)}/clientAuth/clientSecret");
        using var read = Request(HttpMethod.Get, uri);
        var current = await PingSecretRotator.SendAsync(http, read, Operation, cancellationToken).ConfigureAwait(false);
        var encrypted = PingSecretRotator.RequiredString(current, "encryptedSecret", Operation);

        var now = time.GetUtcNow();
        var secondaries = new JsonArray { new JsonObject { ["encryptedSecret"] = encrypted, ["expiryTime"] = PingSecretRotator.Timestamp(previousExpiresAt) } };
        foreach (var kept in current["secondarySecrets"] as JsonArray ?? [])
        {
            if (kept is JsonObject s && DateTimeOffset.TryParse((string?)s["expiryTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry) && expiry > now
                && s["encryptedSecret"] is JsonValue)
            {
                secondaries.Add(new JsonObject { ["encryptedSecret"] = s["encryptedSecret"]!.DeepClone(), ["expiryTime"] = s["expiryTime"]!.DeepClone() });
            }
        }

        var secret = NewSecret();
        using var write = Request(HttpMethod.Put, uri);
        write.Content = JsonContent.Create(new JsonObject { ["secret"] = secret, ["secondarySecrets"] = secondaries });
        await PingSecretRotator.SendAsync(http, write, Operation, cancellationToken).ConfigureAwait(false);
        return new RotatedClientSecret(options.ClientId!, secret, previousExpiresAt);
    }

    /// <summary>256 random bits, base64url: PingFederate takes any secret; this one is as strong as its HMAC keys.</summary>
    private static string NewSecret() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AdminUser}:{options.AdminPassword}")));

        // PingFederate's administrative API refuses state-changing calls without it (CSRF protection).
        request.Headers.Add("X-XSRF-Header", "PingFederate");
        return request;
    }
}
