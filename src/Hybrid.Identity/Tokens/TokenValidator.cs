using System.Globalization;
using Hybrid.Identity.Development;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Identity.Tokens;

/// <summary>
/// Checks Ping access tokens: signed JWTs locally against the issuer's JWKS, reference tokens by RFC 7662
/// introspection, and optionally both. Thread-safe; create one per issuer and share it.
/// </summary>
public sealed class TokenValidator : ITokenValidator
{
    private readonly TokenValidationOptions _options;
    private readonly SigningKeySource? _keys;
    private readonly IntrospectionClient? _introspection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly HashSet<string> _validTypes;
    private readonly HashSet<string> _validAlgorithms;
    private readonly TokenValidationParameters? _developmentParameters;
    private CachedParameters? _parameters;

    /// <param name="options">How tokens are checked.</param>
    /// <param name="httpClient">Used for discovery, JWKS and introspection.</param>
    /// <param name="timeProvider">The clock for lifetimes, caches and throttles.</param>
    /// <param name="logger">Where decisions are logged (never the token itself).</param>
    /// <param name="environmentName">The host environment; the development issuer is trusted only in <c>Development</c>.</param>
    /// <exception cref="InvalidOperationException">The options are inconsistent, or the development issuer is trusted outside Development.</exception>
    public TokenValidator(
        TokenValidationOptions options,
        HttpClient httpClient,
        TimeProvider? timeProvider = null,
        ILogger<TokenValidator>? logger = null,
        string? environmentName = null)
        : this(options, Check.NotNull(httpClient), null, timeProvider ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance, environmentName)
    {
    }

    internal TokenValidator(
        TokenValidationOptions options,
        HttpClient? httpClient,
        SigningKeySource? keys,
        TimeProvider time,
        ILogger logger,
        string? environmentName)
    {
        _options = Check.NotNull(options);
        _time = time;
        _logger = logger;
        _validTypes = new HashSet<string>(options.EffectiveValidTypes, StringComparer.OrdinalIgnoreCase);
        _validAlgorithms = new HashSet<string>(
            options.EffectiveValidAlgorithms.Where(a => !IsForbiddenAlgorithm(a)),
            StringComparer.Ordinal);
        Check.NotNegative(options.ClockSkew);

        var hasAuthority = !string.IsNullOrWhiteSpace(options.Authority) || !string.IsNullOrWhiteSpace(options.MetadataAddress);
        if (!hasAuthority && !options.TrustDevelopmentIssuer)
        {
            throw new InvalidOperationException("Identity: Authority (the Ping issuer URL) is required.");
        }

        if (hasAuthority && options.Audiences.Count == 0)
        {
            throw new InvalidOperationException("Identity: at least one audience is required; tokens for any audience would otherwise pass.");
        }

        if (options.TrustDevelopmentIssuer)
        {
            if (!string.Equals(environmentName, "Development", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Identity: TrustDevelopmentIssuer is set but the environment is '{environmentName ?? "(not set)"}'. " +
                    "The development issuer (" + DevelopmentIssuer.IssuerName + ") is trusted only when the environment is " +
                    "Development (DOTNET_ENVIRONMENT=Development); remove the setting in every other environment.");
            }

            var development = DevelopmentIssuer.LoadOrCreate(options.DevelopmentKeyFolder, time);
            _developmentParameters = Parameters(
                StaticKeys.Configuration(DevelopmentIssuer.IssuerName, development.VerificationKey),
                DevelopmentIssuer.IssuerName,
                [.. options.Audiences, DevelopmentIssuer.DefaultAudience]);
            Logs.DevelopmentIssuerTrusted(logger, DevelopmentIssuer.IssuerName);
        }

        if (hasAuthority)
        {
            _keys = keys ?? SigningKeySource.ForMetadata(options.DiscoveryAddress, Check.NotNull(httpClient), options, time, logger);
            if (options.Introspection is { } introspection)
            {
                _introspection = new IntrospectionClient(
                    httpClient ?? new HttpClient(),
                    introspection,
                    async ct => (await _keys.GetAsync(ct).ConfigureAwait(false)).IntrospectionEndpoint,
                    time,
                    logger);
            }
        }

        if (options.RequireIntrospection && _introspection is null)
        {
            throw new InvalidOperationException("Identity: RequireIntrospection needs the Introspection client settings.");
        }
    }

    internal IntrospectionClient? Introspection => _introspection;

    internal SigningKeySource? Keys => _keys;

    public async ValueTask<TokenValidationOutcome> ValidateAsync(string? token, CancellationToken cancellationToken = default)
    {
        TokenValidationOutcome outcome;
        try
        {
            outcome = await ValidateCoreAsync(token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Network and library surprises end here; a bad token never does (it is refused before).
            Logs.ValidationError(_logger, e.GetType().Name, e.Message);
            outcome = TokenValidationOutcome.Fail(TokenFailureCategory.Unavailable, $"the token could not be checked ({e.GetType().Name})");
        }

        if (outcome.IsValid)
        {
            Logs.TokenAccepted(_logger, outcome.Principal.Subject, outcome.Principal.Kind);
        }
        else
        {
            Logs.TokenRefused(_logger, outcome.Failure.Category, outcome.Failure.Reason);
        }

        return outcome;
    }

    private async ValueTask<TokenValidationOutcome> ValidateCoreAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return TokenValidationOutcome.Fail(TokenFailureCategory.Missing, "no access token was presented");
        }

        if (token.Length > _options.MaxTokenLength)
        {
            return Invalid($"the token is {token.Length} characters long; at most {_options.MaxTokenLength} are accepted");
        }

        return token.AsSpan().Count('.') switch
        {
            2 => await ValidateJwtAsync(token, cancellationToken).ConfigureAwait(false),
            4 => Invalid("encrypted tokens (JWE) are not accepted"),
            0 when IsReferenceToken(token) => await ValidateReferenceAsync(token, cancellationToken).ConfigureAwait(false),
            _ => Invalid("the token is malformed: neither a JWS compact serialization nor a reference token"),
        };
    }

    private async ValueTask<TokenValidationOutcome> ValidateJwtAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or FormatException)
        {
            return Invalid("the token is malformed: its header or payload is not base64url-encoded JSON");
        }

        var alg = jwt.Alg;
        if (string.IsNullOrEmpty(alg) || string.Equals(alg, "none", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("unsigned tokens (alg none) are not accepted");
        }

        if (!_validAlgorithms.Contains(alg))
        {
            return Invalid(IsForbiddenAlgorithm(alg)
                ? $"the signing algorithm {Quote(alg)} is not accepted: only asymmetric signatures from the issuer are"
                : $"the signing algorithm {Quote(alg)} is not accepted");
        }

        if (!_validTypes.Contains(jwt.Typ ?? string.Empty))
        {
            return Invalid($"the token type {Quote(jwt.Typ)} is not accepted (expected {string.Join(" or ", _options.EffectiveValidTypes)})");
        }

        var issuer = jwt.Issuer;
        TokenValidationParameters parameters;
        TokenKind kind;
        if (_developmentParameters is not null && string.Equals(issuer, DevelopmentIssuer.IssuerName, StringComparison.Ordinal))
        {
            parameters = _developmentParameters;
            kind = TokenKind.Development;
        }
        else if (_keys is null || !string.Equals(issuer, _options.ExpectedIssuer, StringComparison.Ordinal))
        {
            return Invalid($"the issuer {Quote(issuer)} is not trusted");
        }
        else
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await _keys.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Logs.MetadataUnavailable(_logger, _options.DiscoveryAddress, e.GetType().Name);
                return TokenValidationOutcome.Fail(TokenFailureCategory.Unavailable, "the issuer's signing keys could not be read");
            }

            var kid = jwt.Kid;
            if (!string.IsNullOrEmpty(kid) && !SigningKeySource.HasKey(configuration, kid))
            {
                try
                {
                    configuration = await _keys.RefreshForUnknownKeyAsync(kid, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Logs.MetadataUnavailable(_logger, _options.DiscoveryAddress, e.GetType().Name);
                    return TokenValidationOutcome.Fail(TokenFailureCategory.Unavailable, "the issuer's signing keys could not be read");
                }

                if (!SigningKeySource.HasKey(configuration, kid))
                {
                    return Invalid($"the signing key {Quote(kid)} is not published by the issuer");
                }
            }

            parameters = ParametersFor(configuration);
            kind = TokenKind.Jwt;
        }

        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Describe(result.Exception, jwt);
        }

        var principal = FromJwt(jwt, kind);
        if (CheckLifetime(jwt, principal) is { } lifetimeFailure)
        {
            return lifetimeFailure;
        }

        if (principal is null)
        {
            return Invalid("the token names neither a subject nor a client");
        }

        if (_options.RequireIntrospection && kind == TokenKind.Jwt)
        {
            var introspected = await _introspection!.IntrospectAsync(jwt.EncodedToken, cancellationToken).ConfigureAwait(false);
            if (introspected.Status == IntrospectionStatus.Unavailable)
            {
                return TokenValidationOutcome.Fail(TokenFailureCategory.Unavailable, introspected.Error ?? "introspection failed");
            }

            if (introspected.Status == IntrospectionStatus.Inactive)
            {
                return TokenValidationOutcome.Fail(TokenFailureCategory.Revoked, "the authorization server reports the token is no longer active (revoked)");
            }
        }

        return TokenValidationOutcome.Success(principal);
    }

    private async ValueTask<TokenValidationOutcome> ValidateReferenceAsync(string token, CancellationToken cancellationToken)
    {
        if (_introspection is null)
        {
            return Invalid("reference tokens are not accepted: introspection is not configured");
        }

        var result = await _introspection.IntrospectAsync(token, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case IntrospectionStatus.Unavailable:
                return TokenValidationOutcome.Fail(TokenFailureCategory.Unavailable, result.Error ?? "introspection failed");
            case IntrospectionStatus.Inactive:
                return TokenValidationOutcome.Fail(TokenFailureCategory.Revoked, "the authorization server reports the token is not active (revoked or unknown)");
        }

        var payload = result.Payload;
        var now = _time.GetUtcNow();
        var exp = ClaimValues.Time(payload, "exp");
        if (exp is { } expiry && expiry + _options.ClockSkew < now)
        {
            return TokenValidationOutcome.Fail(TokenFailureCategory.Expired, $"the token expired at {Format(expiry)}");
        }

        if (ClaimValues.Time(payload, "nbf") is { } nbf && nbf - _options.ClockSkew > now)
        {
            return Invalid($"the token is not valid before {Format(nbf)}");
        }

        var issuer = ClaimValues.First(payload, "iss");
        if (issuer is not null && !string.Equals(issuer, _options.ExpectedIssuer, StringComparison.Ordinal))
        {
            return Invalid($"the issuer {Quote(issuer)} is not trusted");
        }

        var audiences = ClaimValues.All(payload, "aud");
        if (audiences.Count > 0 && !audiences.Any(a => _options.Audiences.Contains(a, StringComparer.Ordinal)))
        {
            return Invalid($"the audience {Quote(string.Join(' ', audiences))} is not accepted");
        }

        var clientId = ClaimValues.First(payload, "client_id");
        var subject = ClaimValues.First(payload, "sub") ?? clientId;
        if (subject is null)
        {
            return Invalid("the token names neither a subject nor a client");
        }

        return TokenValidationOutcome.Success(new ValidatedPrincipal
        {
            Subject = subject,
            ClientId = clientId,
            Issuer = issuer ?? _options.ExpectedIssuer,
            Groups = ClaimValues.All(payload, "groups"),
            Scopes = ClaimValues.Scopes(ClaimValues.All(payload, "scope"), ClaimValues.All(payload, "scp")),
            Audiences = audiences,
            ExpiresAt = exp ?? now + (_options.Introspection?.MaxCacheDuration ?? TimeSpan.Zero),
            TokenId = ClaimValues.First(payload, "jti"),
            Kind = TokenKind.Reference,
        });
    }

    private TokenValidationOutcome? CheckLifetime(JsonWebToken jwt, ValidatedPrincipal? principal)
    {
        if (!jwt.TryGetPayloadValue<long>("exp", out var exp) || exp <= 0)
        {
            return Invalid("the token has no expiry (exp)");
        }

        var now = _time.GetUtcNow();
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (expires + _options.ClockSkew <= now)
        {
            return TokenValidationOutcome.Failed(
                new TokenFailure(TokenFailureCategory.Expired, $"the token expired at {Format(expires)}") { ExpiredPrincipal = principal });
        }

        if (jwt.TryGetPayloadValue<long>("nbf", out var nbf) && nbf > 0)
        {
            var notBefore = DateTimeOffset.FromUnixTimeSeconds(nbf);
            if (notBefore > expires)
            {
                return Invalid("the token's lifetime is invalid (nbf after exp)");
            }

            if (notBefore - _options.ClockSkew > now)
            {
                return Invalid($"the token is not valid before {Format(notBefore)}");
            }
        }

        return null;
    }

    private static ValidatedPrincipal? FromJwt(JsonWebToken jwt, TokenKind kind)
    {
        var clientId = ClaimValues.First(jwt, "client_id") ?? ClaimValues.First(jwt, "azp");
        var subject = string.IsNullOrEmpty(jwt.Subject) ? clientId : jwt.Subject;
        if (subject is null)
        {
            return null;
        }

        return new ValidatedPrincipal
        {
            Subject = subject,
            ClientId = clientId,
            Issuer = jwt.Issuer,
            Groups = ClaimValues.All(jwt, "groups"),
            Scopes = ClaimValues.Scopes(ClaimValues.All(jwt, "scope"), ClaimValues.All(jwt, "scp")),
            Audiences = [.. jwt.Audiences],
            ExpiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
            TokenId = string.IsNullOrEmpty(jwt.Id) ? null : jwt.Id,
            Kind = kind,
        };
    }

    private TokenValidationOutcome Describe(Exception? exception, JsonWebToken jwt) => exception switch
    {
        SecurityTokenInvalidAudienceException => Invalid(
            $"the audience {Quote(string.Join(' ', jwt.Audiences))} is not accepted (expected {string.Join(" or ", _options.Audiences)})"),
        SecurityTokenInvalidIssuerException => Invalid($"the issuer {Quote(jwt.Issuer)} is not trusted"),
        SecurityTokenInvalidTypeException => Invalid($"the token type {Quote(jwt.Typ)} is not accepted"),
        SecurityTokenInvalidAlgorithmException => Invalid($"the signing algorithm {Quote(jwt.Alg)} is not accepted"),
        SecurityTokenSignatureKeyNotFoundException => Invalid("no signing key of the issuer verifies the signature"),
        SecurityTokenInvalidSignatureException => Invalid("the signature does not verify"),
        _ => Invalid($"the token failed validation ({exception?.GetType().Name ?? "unknown"})"),
    };

    private TokenValidationParameters ParametersFor(OpenIdConnectConfiguration configuration)
    {
        // One reference, swapped whole, so concurrent readers never pair one key set with another's parameters.
        var cached = Volatile.Read(ref _parameters);
        if (cached is not null && ReferenceEquals(cached.Configuration, configuration))
        {
            return cached.Parameters;
        }

        var parameters = Parameters(configuration, _options.ExpectedIssuer, _options.Audiences);
        Volatile.Write(ref _parameters, new CachedParameters(configuration, parameters));
        return parameters;
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration, string issuer, IReadOnlyList<string> audiences) => new()
    {
        ValidIssuer = issuer,
        ValidAudiences = audiences,
        ValidTypes = _options.EffectiveValidTypes,
        ValidAlgorithms = _validAlgorithms,
        IssuerSigningKeys = configuration.SigningKeys,
        ClockSkew = _options.ClockSkew,
        RequireSignedTokens = true,
        RequireAudience = true,
        ValidateIssuer = true,
        ValidateAudience = true,

        // Lifetime is checked after the signature, against the injected TimeProvider (see CheckLifetime).
        ValidateLifetime = false,
        ValidateIssuerSigningKey = false,
        TryAllIssuerSigningKeys = true,
        SaveSigninToken = false,
    };

    /// <summary>HMAC with a published key is the classic key-confusion attack; <c>none</c> is no signature at all.</summary>
    private static bool IsForbiddenAlgorithm(string alg)
        => alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || string.Equals(alg, "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 6750 b64token characters without dots (Ping's reference tokens have none); anything else cannot be a
    /// reference token and never reaches the network.</summary>
    private static bool IsReferenceToken(string token)
    {
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '~' or '+' or '/' or '='))
            {
                return false;
            }
        }

        return true;
    }

    private static TokenValidationOutcome Invalid(string reason) => TokenValidationOutcome.Fail(TokenFailureCategory.Invalid, reason);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Quotes a value taken from the token, cut short so an attacker cannot flood the logs or headers.</summary>
    private static string Quote(string? value)
        => value is null ? "(none)" : "'" + (value.Length > 64 ? value[..64] + "..." : value) + "'";

    private sealed record CachedParameters(OpenIdConnectConfiguration Configuration, TokenValidationParameters Parameters);
}
