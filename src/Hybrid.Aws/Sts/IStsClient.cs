namespace Hybrid.Aws.Sts;

/// <summary>
/// STS through AWSSDK.SecurityToken, with Hybrid's retry policy and typed errors
/// (<see cref="ExpiredTokenException"/>, <see cref="InvalidIdentityTokenException"/>, ...).
/// </summary>
public interface IStsClient
{
    Task<AssumedRole> AssumeRoleAsync(AssumeRoleRequest request, CancellationToken cancellationToken = default);

    /// <summary>Unsigned: the web identity token is the credential.</summary>
    Task<AssumedRoleWithWebIdentity> AssumeRoleWithWebIdentityAsync(AssumeRoleWithWebIdentityRequest request, CancellationToken cancellationToken = default);
}
