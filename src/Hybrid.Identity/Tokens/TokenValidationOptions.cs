namespace Hybrid.Identity.Tokens;

/// <summary>
/// How access tokens are checked. Bind it from configuration (for example the <c>Identity</c> section).
/// Every default is explicit because the .NET defaults (5 minutes of clock skew, no <c>typ</c> check) are too lax here.
/// </summary>
public sealed record TokenValidationOptions
{
    /// <summary>The issuer's URL, for example <c>https://sso.example.com</c> (PingFederate) or
    /// <c>https://auth.pingone.eu/{envId}/as</c> (PingOne). Discovery is read from
    /// <c>{Authority}/.well-known/openid-configuration</c>. May be empty when only the development issuer is trusted.</summary>
    public string? Authority { get; init; }

    /// <summary>Overrides the discovery document's address.</summary>
    public string? MetadataAddress { get; init; }

    /// <summary>The expected <c>iss</c>; defaults to <see cref="Authority"/>.</summary>
    public string? Issuer { get; init; }

    /// <summary>Accepted audiences; a token is accepted when any of its <c>aud</c> values is listed.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>Tolerance for clock differences on <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Accepted JOSE <c>typ</c> header values; empty means <see cref="DefaultValidTypes"/>. List <c>JWT</c>
    /// too when the PingFederate access token manager is configured to send it. (Empty rather than pre-filled because
    /// configuration binding appends to a pre-filled list instead of replacing it.)</summary>
    public IReadOnlyList<string> ValidTypes { get; init; } = [];

    /// <summary>Accepted signing algorithms; empty means <see cref="DefaultValidAlgorithms"/>. <c>none</c> and every
    /// HMAC algorithm are refused whatever is listed: an issuer's public key must never be usable as an HMAC secret.</summary>
    public IReadOnlyList<string> ValidAlgorithms { get; init; } = [];

    /// <summary>RFC 9068's access token type.</summary>
    public static IReadOnlyList<string> DefaultValidTypes { get; } = ["at+jwt", "application/at+jwt"];

    /// <summary>What PingFederate and PingOne sign with: RS/PS 256-512 and ES 256-512.</summary>
    public static IReadOnlyList<string> DefaultValidAlgorithms { get; } =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    internal IReadOnlyList<string> EffectiveValidTypes => ValidTypes.Count > 0 ? ValidTypes : DefaultValidTypes;

    internal IReadOnlyList<string> EffectiveValidAlgorithms => ValidAlgorithms.Count > 0 ? ValidAlgorithms : DefaultValidAlgorithms;

    /// <summary>Refuse discovery and JWKS over plain HTTP. Only tests against a loopback provider turn it off.</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>When a token names a <c>kid</c> the cached key set lacks, the key set is fetched again at most this often.</summary>
    public TimeSpan KeyRefreshThrottle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often discovery and JWKS are refreshed in the background.</summary>
    public TimeSpan MetadataRefreshInterval { get; init; } = TimeSpan.FromHours(12);

    /// <summary>RFC 7662 introspection, needed for reference (opaque) tokens.</summary>
    public IntrospectionOptions? Introspection { get; init; }

    /// <summary>Introspect JWTs too, after local validation, so that revocation bites (revocation-sensitive deployments).</summary>
    public bool RequireIntrospection { get; init; }

    /// <summary>Longer tokens are refused before any parsing.</summary>
    public int MaxTokenLength { get; init; } = 16 * 1024;

    /// <summary>Trust tokens minted by the local development issuer. Refused unless the environment is Development.</summary>
    public bool TrustDevelopmentIssuer { get; init; }

    /// <summary>Where the development issuer keeps its key; defaults to <see cref="Development.DevelopmentIssuer.DefaultFolder"/>.</summary>
    public string? DevelopmentKeyFolder { get; init; }

    internal string ExpectedIssuer => Issuer ?? Authority?.TrimEnd('/') ?? string.Empty;

    internal string DiscoveryAddress =>
        MetadataAddress ?? (Authority ?? string.Empty).TrimEnd('/') + "/.well-known/openid-configuration";
}

/// <summary>RFC 7662 token introspection with client credentials (client_secret_basic).</summary>
public sealed record IntrospectionOptions
{
    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }

    /// <summary>Overrides <c>introspection_endpoint</c> from discovery.</summary>
    public string? Endpoint { get; init; }

    /// <summary>An active result is reused until the token's <c>exp</c>, but never longer than this.
    /// It bounds how long a revoked token can still pass. Zero turns the cache off.</summary>
    public TimeSpan MaxCacheDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound on cached results.</summary>
    public int MaxCacheEntries { get; init; } = 10_000;
}
