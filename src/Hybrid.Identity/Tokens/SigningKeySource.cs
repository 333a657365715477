using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Identity.Tokens;

/// <summary>
/// The issuer's discovery document and keys. The OIDC <see cref="ConfigurationManager{T}"/> keeps them fresh in the
/// background; when a token names a <c>kid</c> they lack, this fetches them once more (throttled) instead of waiting
/// for the manager's own refresh, so a key rotation never leaves a window of failures.
/// </summary>
internal sealed class SigningKeySource
{
    private readonly IConfigurationManager<OpenIdConnectConfiguration> _manager;
    private readonly Func<CancellationToken, Task<OpenIdConnectConfiguration>> _fetchNow;
    private readonly TimeProvider _time;
    private readonly TimeSpan _throttle;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private Forced? _forced;
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;
    private long _forcedRefreshes;

    public SigningKeySource(
        IConfigurationManager<OpenIdConnectConfiguration> manager,
        Func<CancellationToken, Task<OpenIdConnectConfiguration>> fetchNow,
        TimeProvider time,
        TimeSpan throttle,
        ILogger logger)
    {
        _manager = manager;
        _fetchNow = fetchNow;
        _time = time;
        _throttle = throttle;
        _logger = logger;
    }

    /// <summary>How many times a missing kid made this fetch the keys again.</summary>
    public long ForcedRefreshes => Interlocked.Read(ref _forcedRefreshes);

    public static SigningKeySource ForMetadata(string address, HttpClient http, TokenValidationOptions options, TimeProvider time, ILogger logger)
    {
        var retriever = new HttpDocumentRetriever(http) { RequireHttps = options.RequireHttpsMetadata };
        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(address, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = options.MetadataRefreshInterval,
            RefreshInterval = options.KeyRefreshThrottle < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.KeyRefreshThrottle,
        };
        return new SigningKeySource(
            manager,
            ct => OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, ct),
            time,
            options.KeyRefreshThrottle,
            logger);
    }

    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        var current = await _manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        var forced = Volatile.Read(ref _forced);

        // The forced copy wins until the manager itself has fetched again (it then hands out a new instance).
        return forced is not null && ReferenceEquals(forced.ManagerCopy, current) ? forced.Configuration : current;
    }

    /// <summary>Fetches the keys again unless another caller just did, or the throttle forbids it.</summary>
    public async Task<OpenIdConnectConfiguration> RefreshForUnknownKeyAsync(string kid, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await GetAsync(cancellationToken).ConfigureAwait(false);
            if (HasKey(current, kid))
            {
                return current;
            }

            var now = _time.GetUtcNow();
            if (now - _lastForcedRefresh < _throttle)
            {
                Logs.KeyRefreshThrottled(_logger, kid, _throttle.TotalSeconds);
                return current;
            }

            _lastForcedRefresh = now;
            var fresh = await _fetchNow(cancellationToken).ConfigureAwait(false);
            var managerCopy = await _manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _forced, new Forced(fresh, managerCopy));
            _manager.RequestRefresh();
            Interlocked.Increment(ref _forcedRefreshes);
            Logs.KeysRefetched(_logger, kid, fresh.SigningKeys.Count, HasKey(fresh, kid));
            return fresh;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    public static bool HasKey(OpenIdConnectConfiguration configuration, string kid)
    {
        foreach (var key in configuration.SigningKeys)
        {
            if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Forced(OpenIdConnectConfiguration Configuration, OpenIdConnectConfiguration ManagerCopy);
}

/// <summary>Fixed keys, for the development issuer and for benchmarks.</summary>
internal static class StaticKeys
{
    public static SigningKeySource Create(OpenIdConnectConfiguration configuration, TimeProvider time, ILogger logger)
        => new(
            new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration),
            _ => Task.FromResult(configuration),
            time,
            TimeSpan.FromSeconds(10),
            logger);

    public static OpenIdConnectConfiguration Configuration(string issuer, params SecurityKey[] keys)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer };
        foreach (var key in keys)
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}
