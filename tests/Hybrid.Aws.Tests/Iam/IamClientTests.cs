using Amazon.Runtime;
using Hybrid.Aws.Iam;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests.Iam;

public sealed class IamClientTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    private IIamClient Iam => Clients().Iam;

    [Fact]
    public async Task CreateRole_AllOptions_ReturnsRoleAndKeepsEverything()
    {
        var name = Unique("role");
        var boundary = $"arn:aws:iam::{AwsTestServer.AccountId}:policy/hybrid-boundary";

        var role = await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust, "/hybrid/", "temporary role", 7200, boundary,
            [new AwsTag("hybrid:subject", "user-1"), new AwsTag("purpose", "bridge")]));

        Assert.Equal(name, role.RoleName);
        Assert.Equal("/hybrid/", role.Path);
        Assert.Equal($"arn:aws:iam::{AwsTestServer.AccountId}:role/hybrid/{name}", role.Arn);
        Assert.StartsWith("AROA", role.RoleId, StringComparison.Ordinal);
        Assert.Equal(Trust, role.AssumeRolePolicyDocument);
        Assert.Equal("temporary role", role.Description);
        Assert.Equal(7200, role.MaxSessionDuration);
        Assert.Equal(boundary, role.PermissionsBoundaryArn);
        Assert.Equal([new AwsTag("hybrid:subject", "user-1"), new AwsTag("purpose", "bridge")], role.Tags);
        var kept = Server.Iam.Role(name)!;
        Assert.Equal(7200, kept.MaxSessionDuration);
        Assert.Equal(boundary, kept.PermissionsBoundary);
        Assert.Equal(Trust, kept.TrustPolicy);
    }

    [Fact]
    public async Task CreateRole_MinimalRequest_DefaultsPathAndDuration()
    {
        var role = await Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), Trust));

        Assert.Equal("/", role.Path);
        Assert.Equal(3600, role.MaxSessionDuration);
        Assert.Empty(role.Tags);
        Assert.Null(role.PermissionsBoundaryArn);
    }

    [Fact]
    public async Task CreateRole_NameTaken_ThrowsEntityAlreadyExists()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust));

        var ex = await Assert.ThrowsAsync<EntityAlreadyExistsException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(name.ToUpperInvariant(), Trust)));

        Assert.Equal(409, (int)ex.StatusCode);
        Assert.Equal("iam", ex.Details.Service);
        Assert.NotNull(ex.Details.RequestId);
    }

    [Fact]
    public async Task CreateRole_TrustPolicyNotJson_ThrowsMalformedPolicyDocument()
        => await Assert.ThrowsAsync<MalformedPolicyDocumentException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), "{nope")));

    [Fact]
    public async Task CreateRole_DuplicateTagKeys_ThrowsInvalidInput()
        => await Assert.ThrowsAsync<InvalidInputException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), Trust,
            Tags: [new AwsTag("k", "1"), new AwsTag("K", "2")])));

    [Fact]
    public async Task CreateRole_SessionDurationBelowModelMinimum_ThrowsValidation()
    {
        var ex = await Assert.ThrowsAsync<IamValidationException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), Trust, MaxSessionDuration: 60)));

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Contains("MaxSessionDuration", Assert.Single(Server.Rejections).Message, StringComparison.Ordinal);
        Server.ClearLog();
    }

    [Fact]
    public async Task CreateRole_ConcurrentModification_ThrowsTypedException()
    {
        Server.Faults.EnqueueError("iam", "CreateRole", "ConcurrentModification", 409);

        await Assert.ThrowsAsync<ConcurrentModificationException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), Trust)));
        Assert.Equal(1, CountRequests("iam", "CreateRole"));
    }

    [Fact]
    public async Task CreateRole_LimitExceeded_ThrowsTypedException()
    {
        Server.Faults.EnqueueError("iam", "CreateRole", "LimitExceeded", 409, "Cannot exceed quota for RolesPerAccount: 1000");

        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), Trust)));

        Assert.Contains("RolesPerAccount", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InlinePolicies_PutListDelete_RoundTrip()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust));

        await Iam.PutRolePolicyAsync(name, "b-policy", Policy);
        await Iam.PutRolePolicyAsync(name, "a-policy", Policy);
        var listed = await Iam.ListRolePoliciesAsync(name);
        await Iam.DeleteRolePolicyAsync(name, "a-policy");

        Assert.Equal(["a-policy", "b-policy"], listed.Items);
        Assert.False(listed.IsTruncated);
        Assert.Equal(["b-policy"], Server.Iam.Role(name)!.InlinePolicies.Keys);
    }

    [Fact]
    public async Task PutRolePolicy_MalformedDocument_ThrowsMalformedPolicyDocument()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust));

        await Assert.ThrowsAsync<MalformedPolicyDocumentException>(() => Iam.PutRolePolicyAsync(name, "p", "[1,2"));
    }

    [Fact]
    public async Task PutRolePolicy_UnknownRole_ThrowsNoSuchEntity()
    {
        var ex = await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.PutRolePolicyAsync(Unique("ghost"), "p", Policy));

        Assert.Equal(404, (int)ex.StatusCode);
    }

    [Fact]
    public async Task DeleteRolePolicy_UnknownPolicy_ThrowsNoSuchEntity()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust));

        await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.DeleteRolePolicyAsync(name, "never"));
    }

    [Fact]
    public async Task DeleteRole_WithInlinePolicy_ThrowsDeleteConflictUntilPolicyDeleted()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust));
        await Iam.PutRolePolicyAsync(name, "p", Policy);

        await Assert.ThrowsAsync<DeleteConflictException>(() => Iam.DeleteRoleAsync(name));
        await Iam.DeleteRolePolicyAsync(name, "p");
        await Iam.DeleteRoleAsync(name);

        Assert.Null(Server.Iam.Role(name));
        await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.DeleteRoleAsync(name));
    }

    [Fact]
    public async Task TagRole_ExistingKey_OverwritesAndListRoleTagsPages()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust, Tags: [new AwsTag("a", "1")]));

        await Iam.TagRoleAsync(name, [new AwsTag("a", "2"), new AwsTag("b", "3")]);
        var first = await Iam.ListRoleTagsAsync(name, new IamPaging(MaxItems: 1));
        var second = await Iam.ListRoleTagsAsync(name, new IamPaging(first.Marker, 1));

        Assert.True(first.IsTruncated);
        Assert.Equal([new AwsTag("a", "2")], first.Items);
        Assert.False(second.IsTruncated);
        Assert.Null(second.Marker);
        Assert.Equal([new AwsTag("b", "3")], second.Items);
    }

    [Fact]
    public async Task TagRole_MoreThanFiftyInAll_ThrowsLimitExceeded()
    {
        var name = Unique("role");
        await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust, Tags: [.. Enumerable.Range(0, 30).Select(i => new AwsTag($"k{i}", "v"))]));

        await Assert.ThrowsAsync<LimitExceededException>(() => Iam.TagRoleAsync(name, [.. Enumerable.Range(30, 21).Select(i => new AwsTag($"k{i}", "v"))]));
    }

    [Fact]
    public async Task ListRoleTags_UnknownRole_ThrowsNoSuchEntity()
        => await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.ListRoleTagsAsync(Unique("ghost")));

    [Fact]
    public async Task ListRoles_PathPrefixAndPaging_ReturnsEveryMatchingRoleOnce()
    {
        var path = $"/{Unique("sweep")}/";
        var names = Enumerable.Range(0, 5).Select(i => $"{Unique("r")}-{i}").ToList();
        foreach (var name in names)
        {
            await Iam.CreateRoleAsync(new CreateRoleRequest(name, Trust, path));
        }

        await Iam.CreateRoleAsync(new CreateRoleRequest(Unique("other"), Trust, "/elsewhere/"));

        var seen = new List<IamRole>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await Iam.ListRolesAsync(path, new IamPaging(marker, 2));
            seen.AddRange(page.Items);
            marker = page.Marker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(3, pages);
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), seen.Select(r => r.RoleName));
        Assert.All(seen, r => Assert.Equal(path, r.Path));
    }

    [Fact]
    public async Task ListRolePolicies_UnknownRole_ThrowsNoSuchEntity()
        => await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.ListRolePoliciesAsync(Unique("ghost")));

    [Fact]
    public async Task AccessKeys_CreateUseDeactivateDelete_FollowIamRules()
    {
        var user = Unique("user");
        Server.Iam.AddUser(user);

        var created = await Iam.CreateAccessKeyAsync(user);
        var listed = await Iam.ListAccessKeysAsync(user);
        var withNewKey = Clients(Options(new BasicAWSCredentials(created.AccessKeyId, created.SecretAccessKey))).Iam;
        var rolesSeenWithNewKey = await withNewKey.ListRolesAsync(paging: new IamPaging(MaxItems: 1));
        await Iam.UpdateAccessKeyAsync(created.AccessKeyId, AccessKeyStatus.Inactive, user);
        var refused = await Assert.ThrowsAsync<AwsAuthenticationException>(() => withNewKey.ListRolesAsync());
        Server.ClearLog();
        await Iam.DeleteAccessKeyAsync(created.AccessKeyId, user);

        Assert.Equal(user, created.UserName);
        Assert.DoesNotContain(created.SecretAccessKey, created.ToString(), StringComparison.Ordinal);
        Assert.Equal(AccessKeyStatus.Active, created.Status);
        Assert.StartsWith("AKIA", created.AccessKeyId, StringComparison.Ordinal);
        var metadata = Assert.Single(listed.Items);
        Assert.Equal((user, created.AccessKeyId, AccessKeyStatus.Active), (metadata.UserName, metadata.AccessKeyId, metadata.Status));
        Assert.NotNull(rolesSeenWithNewKey);
        Assert.Equal("InvalidClientTokenId", refused.ErrorCode);
        Assert.Empty((await Iam.ListAccessKeysAsync(user)).Items);
    }

    [Fact]
    public async Task CreateAccessKey_NoUserName_UsesTheSigningUser()
    {
        var before = Server.Iam.AccessKeys.Count(k => k.UserName == AwsTestServer.DefaultUserName);
        var created = await Iam.CreateAccessKeyAsync();
        try
        {
            Assert.Equal(AwsTestServer.DefaultUserName, created.UserName);
            Assert.Equal(before + 1, (await Iam.ListAccessKeysAsync()).Items.Count);
        }
        finally
        {
            await Iam.DeleteAccessKeyAsync(created.AccessKeyId);
        }
    }

    [Fact]
    public async Task CreateAccessKey_ThirdKey_ThrowsLimitExceeded()
    {
        var user = Unique("user");
        Server.Iam.AddUser(user);
        await Iam.CreateAccessKeyAsync(user);
        await Iam.CreateAccessKeyAsync(user);

        await Assert.ThrowsAsync<LimitExceededException>(() => Iam.CreateAccessKeyAsync(user));
    }

    [Fact]
    public async Task CreateAccessKey_UnknownUser_ThrowsNoSuchEntity()
        => await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.CreateAccessKeyAsync(Unique("ghost")));

    [Fact]
    public async Task UpdateAccessKey_UnknownKey_ThrowsNoSuchEntity()
        => await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.UpdateAccessKeyAsync("AKIANOSUCHKEY0000000", AccessKeyStatus.Inactive));

    [Fact]
    public async Task DeleteAccessKey_UnknownKey_ThrowsNoSuchEntity()
        => await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.DeleteAccessKeyAsync("AKIANOSUCHKEY0000000"));

    [Fact]
    public async Task ListAccessKeys_UnknownUser_ThrowsNoSuchEntity()
        => await Assert.ThrowsAsync<NoSuchEntityException>(() => Iam.ListAccessKeysAsync(Unique("ghost")));

    [Fact]
    public async Task CreateRole_MalformedResponse_ThrowsParseExceptionNamingOperation()
    {
        Server.Faults.Enqueue("iam", "CreateRole", FaultKind.MalformedResponse);

        var ex = await Assert.ThrowsAsync<AwsResponseParseException>(() => Iam.CreateRoleAsync(new CreateRoleRequest(Unique("role"), Trust)));

        Assert.Equal(("iam", "CreateRole"), (ex.Service, ex.Operation));
    }

    [Fact]
    public async Task AnyOperation_WrongSecret_ThrowsSignatureDoesNotMatchWithoutRetry()
    {
        var iam = Clients(Options(new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, "not-the-secret"))).Iam;

        var ex = await Assert.ThrowsAsync<AwsAuthenticationException>(() => iam.ListRolesAsync());

        Assert.Equal("SignatureDoesNotMatch", ex.ErrorCode);
        Assert.Equal(403, (int)ex.StatusCode);
        var rejection = Assert.Single(Server.Rejections);
        Assert.Equal("SignatureDoesNotMatch", rejection.Code);
        Assert.Empty(Delays);
        Server.ClearLog();
    }
}
