namespace Hybrid.Identity;

/// <summary>
/// The ASL error names the identity layer raises. A state machine can catch them like any other error
/// (<c>"ErrorEquals": ["Hybrid.TokenExpired"]</c>).
/// </summary>
public static class IdentityErrors
{
    /// <summary>The caller's token has expired: new actions are refused until the caller signs in again.</summary>
    public const string TokenExpired = "Hybrid.TokenExpired";

    /// <summary>The authorization server says the token is no longer active (revoked, or unknown to it).</summary>
    public const string TokenRevoked = "Hybrid.TokenRevoked";

    /// <summary>The token is missing, malformed, badly signed, or meant for another issuer, audience or use.</summary>
    public const string TokenInvalid = "Hybrid.TokenInvalid";

    /// <summary>The identity provider could not be reached to check the token; retrying later may succeed.</summary>
    public const string IdentityUnavailable = "Hybrid.IdentityUnavailable";

    /// <summary>The token is valid but the access policy does not allow the action.</summary>
    public const string AccessDenied = "Hybrid.AccessDenied";
}
