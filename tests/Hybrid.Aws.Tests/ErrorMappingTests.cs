using System.Net;
using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.Sts;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests;

public sealed class ErrorMappingTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    public static TheoryData<string, string, string[]> ModelledOperations => new()
    {
        { "stepfunctions", "2016-11-23", ["StartExecution", "DescribeExecution", "StopExecution", "GetExecutionHistory", "StartSyncExecution"] },
        {
            "iam", "2010-05-08",
            ["CreateRole", "PutRolePolicy", "DeleteRolePolicy", "DeleteRole", "ListRoleTags", "TagRole", "CreateAccessKey", "UpdateAccessKey",
                "DeleteAccessKey", "ListAccessKeys", "ListRoles", "ListRolePolicies"]
        },
        { "sts", "2011-06-15", ["AssumeRole", "AssumeRoleWithWebIdentity"] },
    };

    [Theory]
    [MemberData(nameof(ModelledOperations))]
    public void ByCode_EveryErrorTheModelListsForOurOperations_HasATypedException(string service, string version, string[] operations)
    {
        var model = ServiceModel.Load(service, version);
        var map = service switch
        {
            "stepfunctions" => StepFunctionsErrors.ByCode,
            "iam" => IamErrors.ByCode,
            _ => StsErrors.ByCode,
        };

        var missing = operations.SelectMany(o => model.Operations[o].Errors).Select(model.ErrorCodeOf).Distinct().Where(code => !map.ContainsKey(code)).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Map_EveryCode_BuildsItsOwnExceptionType()
    {
        foreach (var map in new[] { StepFunctionsErrors.ByCode, IamErrors.ByCode, StsErrors.ByCode })
        {
            foreach (var (code, create) in map)
            {
                var details = new AwsErrorDetails("svc", "Op", code, "m", HttpStatusCode.BadRequest, "r");
                var ex = AwsErrorCodes.Map(details, map);

                Assert.Equal(create(details).GetType(), ex.GetType());
                Assert.NotEqual(typeof(AwsServiceException), ex.GetType());
                Assert.Same(details, ex.Details);
            }
        }
    }

    [Fact]
    public void Map_UnmodelledCode_FallsBackToTheBaseType()
    {
        var ex = AwsErrorCodes.Map(new AwsErrorDetails("states", "Op", "SomethingNew", null, HttpStatusCode.BadRequest, null), StepFunctionsErrors.ByCode);

        Assert.Equal(typeof(AwsServiceException), ex.GetType());
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public async Task DeleteRole_Unmodifiable_ThrowsUnmodifiableEntity()
    {
        Server.Faults.EnqueueError("iam", "DeleteRole", "UnmodifiableEntity", 400, "Cannot perform the operation on the protected role");

        await Assert.ThrowsAsync<UnmodifiableEntityException>(() => Clients().Iam.DeleteRoleAsync("AWSServiceRoleForSupport"));
    }

    [Theory]
    [InlineData("AssumeRole", "PackedPolicyTooLarge", 400, typeof(PackedPolicyTooLargeException))]
    [InlineData("AssumeRole", "RegionDisabledException", 403, typeof(RegionDisabledException))]
    [InlineData("AssumeRoleWithWebIdentity", "IDPRejectedClaim", 403, typeof(IdpRejectedClaimException))]
    [InlineData("AssumeRoleWithWebIdentity", "IDPCommunicationError", 400, typeof(IdpCommunicationErrorException))]
    public async Task Sts_InjectedModelledError_ThrowsItsTypedException(string operation, string code, int status, Type expected)
    {
        Server.Faults.EnqueueError("sts", operation, code, status);
        var sts = Clients().Sts;
        var arn = $"arn:aws:iam::{AwsTestServer.AccountId}:role/any";

        var ex = await Record.ExceptionAsync(() => operation == "AssumeRole"
            ? sts.AssumeRoleAsync(new AssumeRoleRequest(arn, "s1"))
            : sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest(arn, "s1", "token")));

        Assert.IsType(expected, ex);
        Assert.Equal(code, ((AwsServiceException)ex).ErrorCode);
        Assert.Equal(status, (int)((AwsServiceException)ex).StatusCode);
    }
}
