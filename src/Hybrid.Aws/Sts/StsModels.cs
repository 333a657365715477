using Hybrid.Aws.Iam;

namespace Hybrid.Aws.Sts;

/// <param name="RoleArn">The role to assume.</param>
/// <param name="RoleSessionName">2-64 characters; CloudTrail records it.</param>
/// <param name="SourceIdentity">Who is behind the session (the Ping subject); needs <c>sts:SetSourceIdentity</c>, and sticks to chained sessions.</param>
/// <param name="Tags">Session tags; need <c>sts:TagSession</c>.</param>
/// <param name="TransitiveTagKeys">Tag keys that carry over to chained sessions.</param>
/// <param name="DurationSeconds">900 up to the role's MaxSessionDuration; a chained session is capped at 3600.</param>
/// <param name="Policy">An inline session policy that narrows the role's permissions.</param>
/// <param name="ExternalId">The external id the trust policy may require.</param>
public sealed record AssumeRoleRequest(
    string RoleArn,
    string RoleSessionName,
    string? SourceIdentity = null,
    IReadOnlyList<AwsTag>? Tags = null,
    IReadOnlyList<string>? TransitiveTagKeys = null,
    int? DurationSeconds = null,
    string? Policy = null,
    string? ExternalId = null);

/// <param name="RoleArn">The role to assume; its trust policy names the OIDC provider.</param>
/// <param name="RoleSessionName">2-64 characters.</param>
/// <param name="WebIdentityToken">The OIDC token (for Hybrid, the Ping access or id token).</param>
/// <param name="DurationSeconds">900 up to the role's MaxSessionDuration.</param>
/// <param name="Policy">An inline session policy.</param>
public sealed record AssumeRoleWithWebIdentityRequest(
    string RoleArn,
    string RoleSessionName,
    string WebIdentityToken,
    int? DurationSeconds = null,
    string? Policy = null);

/// <summary>Temporary credentials. Keep the secret and the token out of logs and durable state.</summary>
public sealed record SessionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration)
{
    /// <summary>Leaves the secret and the token out, so a log line cannot leak them.</summary>
    public override string ToString() => $"SessionCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Expiration:O} }}";
}

public sealed record AssumedRole(
    SessionCredentials Credentials,
    string AssumedRoleArn,
    string AssumedRoleId,
    string? SourceIdentity);

public sealed record AssumedRoleWithWebIdentity(
    SessionCredentials Credentials,
    string AssumedRoleArn,
    string AssumedRoleId,
    string? SubjectFromWebIdentityToken,
    string? Audience,
    string? Provider,
    string? SourceIdentity);
