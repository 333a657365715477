namespace Hybrid.Aws.Iam;

/// <summary>
/// The IAM operations the bridge and the role sweeper use. Every method retries throttling and 5xx, honours
/// cancellation and throws a typed <see cref="AwsServiceException"/> subclass for each modelled error
/// (<see cref="NoSuchEntityException"/>, <see cref="EntityAlreadyExistsException"/>, ...). <c>userName</c> null means
/// the user whose credentials sign the request.
/// </summary>
public interface IIamClient
{
    Task<IamRole> CreateRoleAsync(CreateRoleRequest request, CancellationToken cancellationToken = default);

    Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancellationToken = default);

    Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default);

    Task DeleteRoleAsync(string roleName, CancellationToken cancellationToken = default);

    Task<IamPage<AwsTag>> ListRoleTagsAsync(string roleName, IamPaging? paging = null, CancellationToken cancellationToken = default);

    Task TagRoleAsync(string roleName, IReadOnlyList<AwsTag> tags, CancellationToken cancellationToken = default);

    Task<IamPage<IamRole>> ListRolesAsync(string? pathPrefix = null, IamPaging? paging = null, CancellationToken cancellationToken = default);

    Task<IamPage<string>> ListRolePoliciesAsync(string roleName, IamPaging? paging = null, CancellationToken cancellationToken = default);

    Task<IamAccessKey> CreateAccessKeyAsync(string? userName = null, CancellationToken cancellationToken = default);

    Task UpdateAccessKeyAsync(string accessKeyId, AccessKeyStatus status, string? userName = null, CancellationToken cancellationToken = default);

    Task DeleteAccessKeyAsync(string accessKeyId, string? userName = null, CancellationToken cancellationToken = default);

    Task<IamPage<IamAccessKeyMetadata>> ListAccessKeysAsync(string? userName = null, IamPaging? paging = null, CancellationToken cancellationToken = default);
}
