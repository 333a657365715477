using System.Xml.Linq;
using Hybrid.Aws.Http;

namespace Hybrid.Aws.Iam;

/// <summary>IAM over the Query protocol (<c>Version=2010-05-08</c>), signed for <c>iam</c> in us-east-1.</summary>
internal sealed class IamClient(AwsHttpPipeline pipeline, Uri endpoint) : IIamClient
{
    public const string SigningName = "iam";
    private const string Version = "2010-05-08";

    public Task<IamRole> CreateRoleAsync(CreateRoleRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        var query = new AwsQueryRequest("CreateRole", Version)
            .Add("RoleName", Check.NotEmpty(request.RoleName))
            .Add("AssumeRolePolicyDocument", Check.NotEmpty(request.AssumeRolePolicyDocument))
            .Add("Path", request.Path)
            .Add("Description", request.Description)
            .Add("MaxSessionDuration", request.MaxSessionDuration)
            .Add("PermissionsBoundary", request.PermissionsBoundary);
        AddTags(query, request.Tags);
        return SendAsync("CreateRole", query, r => ParseRole(r.RequiredChild("Role")), cancellationToken);
    }

    public Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
        => SendAsync("PutRolePolicy", new AwsQueryRequest("PutRolePolicy", Version)
            .Add("RoleName", Check.NotEmpty(roleName))
            .Add("PolicyName", Check.NotEmpty(policyName))
            .Add("PolicyDocument", Check.NotEmpty(policyDocument)), _ => true, cancellationToken);

    public Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default)
        => SendAsync("DeleteRolePolicy", new AwsQueryRequest("DeleteRolePolicy", Version)
            .Add("RoleName", Check.NotEmpty(roleName))
            .Add("PolicyName", Check.NotEmpty(policyName)), _ => true, cancellationToken);

    public Task DeleteRoleAsync(string roleName, CancellationToken cancellationToken = default)
        => SendAsync("DeleteRole", new AwsQueryRequest("DeleteRole", Version).Add("RoleName", Check.NotEmpty(roleName)), _ => true, cancellationToken);

    public Task<IamPage<AwsTag>> ListRoleTagsAsync(string roleName, IamPaging? paging = null, CancellationToken cancellationToken = default)
        => SendAsync("ListRoleTags", Page(new AwsQueryRequest("ListRoleTags", Version).Add("RoleName", Check.NotEmpty(roleName)), paging),
            r => ParsePage(r, "Tags", ParseTag), cancellationToken);

    public Task TagRoleAsync(string roleName, IReadOnlyList<AwsTag> tags, CancellationToken cancellationToken = default)
    {
        Check.NotNull(tags);
        var query = new AwsQueryRequest("TagRole", Version).Add("RoleName", Check.NotEmpty(roleName));
        AddTags(query, tags);
        return SendAsync("TagRole", query, _ => true, cancellationToken);
    }

    public Task<IamPage<IamRole>> ListRolesAsync(string? pathPrefix = null, IamPaging? paging = null, CancellationToken cancellationToken = default)
        => SendAsync("ListRoles", Page(new AwsQueryRequest("ListRoles", Version).Add("PathPrefix", pathPrefix), paging),
            r => ParsePage(r, "Roles", ParseRole), cancellationToken);

    public Task<IamPage<string>> ListRolePoliciesAsync(string roleName, IamPaging? paging = null, CancellationToken cancellationToken = default)
        => SendAsync("ListRolePolicies", Page(new AwsQueryRequest("ListRolePolicies", Version).Add("RoleName", Check.NotEmpty(roleName)), paging),
            r => ParsePage(r, "PolicyNames", m => m.Value), cancellationToken);

    public Task<IamAccessKey> CreateAccessKeyAsync(string? userName = null, CancellationToken cancellationToken = default)
        => SendAsync("CreateAccessKey", new AwsQueryRequest("CreateAccessKey", Version).Add("UserName", userName), r =>
        {
            var key = r.RequiredChild("AccessKey");
            return new IamAccessKey(
                key.RequiredText("UserName"),
                key.RequiredText("AccessKeyId"),
                ParseStatus(key.RequiredText("Status")),
                key.RequiredText("SecretAccessKey"),
                key.OptionalDate("CreateDate"));
        }, cancellationToken);

    public Task UpdateAccessKeyAsync(string accessKeyId, AccessKeyStatus status, string? userName = null, CancellationToken cancellationToken = default)
        => SendAsync("UpdateAccessKey", new AwsQueryRequest("UpdateAccessKey", Version)
            .Add("UserName", userName)
            .Add("AccessKeyId", Check.NotEmpty(accessKeyId))
            .Add("Status", status == AccessKeyStatus.Active ? "Active" : "Inactive"), _ => true, cancellationToken);

    public Task DeleteAccessKeyAsync(string accessKeyId, string? userName = null, CancellationToken cancellationToken = default)
        => SendAsync("DeleteAccessKey", new AwsQueryRequest("DeleteAccessKey", Version)
            .Add("UserName", userName)
            .Add("AccessKeyId", Check.NotEmpty(accessKeyId)), _ => true, cancellationToken);

    public Task<IamPage<IamAccessKeyMetadata>> ListAccessKeysAsync(string? userName = null, IamPaging? paging = null, CancellationToken cancellationToken = default)
        => SendAsync("ListAccessKeys", Page(new AwsQueryRequest("ListAccessKeys", Version).Add("UserName", userName), paging),
            r => ParsePage(r, "AccessKeyMetadata", m => new IamAccessKeyMetadata(
                m.ChildText("UserName"), m.RequiredText("AccessKeyId"), ParseStatus(m.RequiredText("Status")), m.OptionalDate("CreateDate"))),
            cancellationToken);

    private static void AddTags(AwsQueryRequest query, IReadOnlyList<AwsTag>? tags)
    {
        if (tags is null)
        {
            return;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            query.Add($"Tags.member.{i + 1}.Key", Check.NotNull(tags[i]).Key).Add($"Tags.member.{i + 1}.Value", tags[i].Value);
        }
    }

    private static AwsQueryRequest Page(AwsQueryRequest query, IamPaging? paging)
        => paging is null ? query : query.Add("Marker", paging.Marker).Add("MaxItems", paging.MaxItems);

    private static IamPage<T> ParsePage<T>(XElement result, string listName, Func<XElement, T> parse)
    {
        if (result.Child(listName) is null)
        {
            throw new FormatException($"<{result.Name.LocalName}> has no <{listName}>");
        }

        var truncated = result.Flag("IsTruncated");
        return new IamPage<T>(result.Members(listName).Select(parse).ToList(), truncated, truncated ? result.RequiredText("Marker") : null);
    }

    internal static IamRole ParseRole(XElement role)
    {
        var trust = role.ChildText("AssumeRolePolicyDocument");
        return new IamRole(
            role.RequiredText("Path"),
            role.RequiredText("RoleName"),
            role.RequiredText("RoleId"),
            role.RequiredText("Arn"),
            role.RequiredDate("CreateDate"),
            trust is null ? null : Uri.UnescapeDataString(trust), // IAM returns policy documents URL-encoded.
            role.ChildText("Description"),
            role.OptionalInt("MaxSessionDuration"),
            role.Child("PermissionsBoundary")?.ChildText("PermissionsBoundaryArn"),
            role.Members("Tags").Select(ParseTag).ToList());
    }

    private static AwsTag ParseTag(XElement tag) => new(tag.RequiredText("Key"), tag.ChildText("Value") ?? "");

    private static AccessKeyStatus ParseStatus(string status) => status switch
    {
        "Active" => AccessKeyStatus.Active,
        "Inactive" => AccessKeyStatus.Inactive,
        _ => throw new FormatException($"access key status '{status}' is neither Active nor Inactive"),
    };

    private Task<T> SendAsync<T>(string action, AwsQueryRequest query, Func<XElement, T> parse, CancellationToken cancellationToken)
        => pipeline.SendAsync(
            action,
            endpoint,
            query.Body(),
            headers: null,
            (op, response) => AwsErrorCodes.Map(AwsQueryProtocol.ParseError(SigningName, op, response), IamErrors.ByCode),
            response => parse(AwsQueryProtocol.Result(response, action)),
            cancellationToken);
}
