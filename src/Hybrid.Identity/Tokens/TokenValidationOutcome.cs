using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Hybrid.Identity.Tokens;

/// <summary>How the token was checked.</summary>
public enum TokenKind
{
    /// <summary>A signed JWT checked locally against the issuer's JWKS.</summary>
    Jwt,

    /// <summary>A reference (opaque) token checked by introspection.</summary>
    Reference,

    /// <summary>A JWT minted by the local development issuer.</summary>
    Development,
}

/// <summary>Why a token was refused, in the four answers callers act on differently.</summary>
public enum TokenFailureCategory
{
    /// <summary>No token was presented.</summary>
    Missing,

    /// <summary>Malformed, badly signed, or for another issuer, audience or use; also not yet valid.</summary>
    Invalid,

    /// <summary>Past its <c>exp</c> (beyond the clock skew).</summary>
    Expired,

    /// <summary>The authorization server reports the token inactive.</summary>
    Revoked,

    /// <summary>Discovery, JWKS or introspection could not be reached: not the token's fault.</summary>
    Unavailable,
}

/// <summary>The identity behind a valid token.</summary>
public sealed record ValidatedPrincipal
{
    /// <summary><c>sub</c>; for a client-credentials token without one, the client id.</summary>
    public required string Subject { get; init; }

    public string? ClientId { get; init; }

    public required string Issuer { get; init; }

    /// <summary>Every <c>groups</c> value, whether the token carried an array or a plain string.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The <c>scope</c> (space separated) or <c>scp</c> values.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public IReadOnlyList<string> Audiences { get; init; } = [];

    public required DateTimeOffset ExpiresAt { get; init; }

    public string? TokenId { get; init; }

    public required TokenKind Kind { get; init; }
}

/// <summary>A refused token: a precise reason, and the category that picks the ASL error and the HTTP answer.</summary>
public sealed record TokenFailure(TokenFailureCategory Category, string Reason)
{
    /// <summary>For <see cref="TokenFailureCategory.Expired"/> only: who the correctly signed but expired token
    /// belonged to, so a host may let in-flight work finish (<see cref="IdentityGateOptions.CutOffInFlightWorkOnExpiry"/>).</summary>
    public ValidatedPrincipal? ExpiredPrincipal { get; init; }

    /// <summary>The ASL error name raised inside a workflow.</summary>
    public string AslError => Category switch
    {
        TokenFailureCategory.Expired => IdentityErrors.TokenExpired,
        TokenFailureCategory.Revoked => IdentityErrors.TokenRevoked,
        TokenFailureCategory.Unavailable => IdentityErrors.IdentityUnavailable,
        _ => IdentityErrors.TokenInvalid,
    };

    /// <summary>401 for every token problem; 503 when the provider could not be reached.</summary>
    public int HttpStatusCode => Category == TokenFailureCategory.Unavailable ? 503 : 401;

    /// <summary>The RFC 6750 <c>WWW-Authenticate</c> value for a 401. A missing token gets no error code (RFC 6750 §3.1).</summary>
    public string WwwAuthenticate => Category == TokenFailureCategory.Missing
        ? "Bearer"
        : $"Bearer error=\"invalid_token\", error_description=\"{HeaderSafe(Reason)}\"";

    /// <summary>RFC 6750 allows only %x20-21 / %x23-5B / %x5D-7E in error_description.</summary>
    private static string HeaderSafe(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 256));
        foreach (var c in text)
        {
            if (builder.Length == 256)
            {
                break;
            }

            builder.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '\'');
        }

        return builder.ToString();
    }
}

/// <summary>The answer of a token check: a principal, or a failure. Never an exception.</summary>
public sealed record TokenValidationOutcome
{
    private TokenValidationOutcome(ValidatedPrincipal? principal, TokenFailure? failure)
    {
        Principal = principal;
        Failure = failure;
    }

    public ValidatedPrincipal? Principal { get; }

    public TokenFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Principal))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => Principal is not null;

    public static TokenValidationOutcome Success(ValidatedPrincipal principal) => new(Check.NotNull(principal), null);

    public static TokenValidationOutcome Fail(TokenFailureCategory category, string reason) => new(null, new TokenFailure(category, reason));

    public static TokenValidationOutcome Failed(TokenFailure failure) => new(null, Check.NotNull(failure));
}
