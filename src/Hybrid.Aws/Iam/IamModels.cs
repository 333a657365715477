namespace Hybrid.Aws.Iam;

/// <summary>A key-value tag, on a role or an STS session.</summary>
public sealed record AwsTag(string Key, string Value);

/// <param name="RoleName">1-64 characters of <c>[\w+=,.@-]</c>.</param>
/// <param name="AssumeRolePolicyDocument">The trust policy JSON.</param>
/// <param name="Path">The role's path, <c>/</c> by default.</param>
/// <param name="Description">Up to 1000 characters.</param>
/// <param name="MaxSessionDuration">3600-43200 seconds.</param>
/// <param name="PermissionsBoundary">The ARN of a managed policy that bounds the role's permissions.</param>
/// <param name="Tags">At most 50.</param>
public sealed record CreateRoleRequest(
    string RoleName,
    string AssumeRolePolicyDocument,
    string? Path = null,
    string? Description = null,
    int? MaxSessionDuration = null,
    string? PermissionsBoundary = null,
    IReadOnlyList<AwsTag>? Tags = null);

/// <summary>A role as IAM describes it. ListRoles leaves out tags, so <see cref="Tags"/> is empty there.</summary>
public sealed record IamRole(
    string Path,
    string RoleName,
    string RoleId,
    string Arn,
    DateTimeOffset CreateDate,
    string? AssumeRolePolicyDocument,
    string? Description,
    int? MaxSessionDuration,
    string? PermissionsBoundaryArn,
    IReadOnlyList<AwsTag> Tags);

/// <summary>One page of a paged IAM list. Pass <see cref="Marker"/> back while <see cref="IsTruncated"/>.</summary>
public sealed record IamPage<T>(IReadOnlyList<T> Items, bool IsTruncated, string? Marker);

/// <summary>A paging request: the marker of the previous page and the page size (1-1000).</summary>
public sealed record IamPaging(string? Marker = null, int? MaxItems = null);

public enum AccessKeyStatus
{
    Active,
    Inactive,
}

/// <summary>A new access key. The secret is returned only here, once.</summary>
public sealed record IamAccessKey(string UserName, string AccessKeyId, AccessKeyStatus Status, string SecretAccessKey, DateTimeOffset? CreateDate)
{
    /// <summary>Leaves the secret out, so a log line cannot leak it.</summary>
    public override string ToString() => $"IamAccessKey {{ UserName = {UserName}, AccessKeyId = {AccessKeyId}, Status = {Status} }}";
}

public sealed record IamAccessKeyMetadata(string? UserName, string AccessKeyId, AccessKeyStatus Status, DateTimeOffset? CreateDate);
