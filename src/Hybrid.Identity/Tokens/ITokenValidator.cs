namespace Hybrid.Identity.Tokens;

/// <summary>Checks a bearer access token. Never throws on bad input: every problem comes back as a failure.</summary>
public interface ITokenValidator
{
    /// <param name="token">The raw token, without the <c>Bearer </c> prefix (see <see cref="BearerToken"/>).</param>
    /// <param name="cancellationToken">Cancels network calls (discovery, JWKS, introspection).</param>
    ValueTask<TokenValidationOutcome> ValidateAsync(string? token, CancellationToken cancellationToken = default);
}

/// <summary>Reads the token out of an <c>Authorization</c> header.</summary>
public static class BearerToken
{
    /// <returns>The token, or null when the header is absent or not a Bearer header.</returns>
    public static string? FromAuthorizationHeader(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var trimmed = header.AsSpan().Trim();
        const string Scheme = "Bearer ";
        if (trimmed.Length <= Scheme.Length || !trimmed.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = trimmed[Scheme.Length..].Trim();
        return token.IsEmpty ? null : token.ToString();
    }
}
