using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;

namespace Hybrid.Identity.Tokens;

/// <summary>What the authorization server said about a token.</summary>
internal enum IntrospectionStatus
{
    Active,
    Inactive,
    Unavailable,
}

internal sealed record IntrospectionResult(IntrospectionStatus Status, JsonElement Payload, string? Error)
{
    public static IntrospectionResult Inactive { get; } = new(IntrospectionStatus.Inactive, default, null);
}

/// <summary>
/// RFC 7662 introspection with client_secret_basic, through Duende.IdentityModel. Active answers are cached under the
/// token's SHA-256 until its <c>exp</c>, capped by <see cref="IntrospectionOptions.MaxCacheDuration"/>.
/// </summary>
internal sealed class IntrospectionClient
{
    private readonly HttpClient _http;
    private readonly IntrospectionOptions _options;
    private readonly Func<CancellationToken, ValueTask<string?>> _endpoint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CachedResult> _cache = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    public IntrospectionClient(
        HttpClient http,
        IntrospectionOptions options,
        Func<CancellationToken, ValueTask<string?>> endpoint,
        TimeProvider time,
        ILogger logger)
    {
        _http = http;
        _options = options;
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
    }

    public long CacheHits => Interlocked.Read(ref _hits);

    public long CacheMisses => Interlocked.Read(ref _misses);

    public async ValueTask<IntrospectionResult> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var key = _options.MaxCacheDuration > TimeSpan.Zero ? CacheKey(token) : null;
        var now = _time.GetUtcNow();
        if (key is not null && _cache.TryGetValue(key, out var cached))
        {
            if (cached.Until > now)
            {
                Interlocked.Increment(ref _hits);
                return cached.Result;
            }

            _cache.TryRemove(key, out _);
        }

        Interlocked.Increment(ref _misses);
        var result = await CallAsync(token, cancellationToken).ConfigureAwait(false);
        if (key is not null && result.Status == IntrospectionStatus.Active)
        {
            var until = now + _options.MaxCacheDuration;
            if (ClaimValues.Time(result.Payload, "exp") is { } exp && exp < until)
            {
                until = exp;
            }

            if (until > now)
            {
                Trim(now);
                _cache[key] = new CachedResult(result, until);
            }
        }

        return result;
    }

    private async Task<IntrospectionResult> CallAsync(string token, CancellationToken cancellationToken)
    {
        string? address;
        try
        {
            address = _options.Endpoint ?? await _endpoint(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Logs.IntrospectionFailed(_logger, "discovery", e.GetType().Name);
            return new IntrospectionResult(IntrospectionStatus.Unavailable, default, "the discovery document could not be read");
        }

        if (string.IsNullOrEmpty(address))
        {
            return new IntrospectionResult(IntrospectionStatus.Unavailable, default, "the issuer publishes no introspection_endpoint");
        }

        using var request = new TokenIntrospectionRequest
        {
            Address = address,
            ClientId = _options.ClientId,
            ClientSecret = _options.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            Token = token,
            TokenTypeHint = "access_token",
        };
        var response = await _http.IntrospectTokenAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            var detail = response.ErrorType == ResponseErrorType.Http
                ? $"HTTP {(int)response.HttpStatusCode}"
                : response.Error ?? response.ErrorType.ToString();
            Logs.IntrospectionFailed(_logger, address, detail);
            return new IntrospectionResult(IntrospectionStatus.Unavailable, default, $"introspection failed ({detail})");
        }

        if (!response.IsActive || response.Json is not { ValueKind: JsonValueKind.Object } json)
        {
            return IntrospectionResult.Inactive;
        }

        return new IntrospectionResult(IntrospectionStatus.Active, json.Clone(), null);
    }

    private void Trim(DateTimeOffset now)
    {
        if (_cache.Count < _options.MaxCacheEntries)
        {
            return;
        }

        foreach (var (key, value) in _cache)
        {
            if (value.Until <= now)
            {
                _cache.TryRemove(key, out _);
            }
        }

        if (_cache.Count >= _options.MaxCacheEntries)
        {
            // Still full of live entries: start over rather than grow without bound.
            _cache.Clear();
        }
    }

    private static string CacheKey(string token)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return Convert.ToHexString(hash);
    }

    private sealed record CachedResult(IntrospectionResult Result, DateTimeOffset Until);
}
