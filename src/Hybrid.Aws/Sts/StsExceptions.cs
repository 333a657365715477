namespace Hybrid.Aws.Sts;

public sealed class StsMalformedPolicyDocumentException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class PackedPolicyTooLargeException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class RegionDisabledException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>The web identity token (or the calling session) has expired.</summary>
public sealed class ExpiredTokenException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class IdpRejectedClaimException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class IdpCommunicationErrorException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidIdentityTokenException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>STS's <c>ValidationError</c>: a parameter broke a constraint.</summary>
public sealed class StsValidationException(AwsErrorDetails details) : AwsServiceException(details);

internal static class StsErrors
{
    public static readonly IReadOnlyDictionary<string, Func<AwsErrorDetails, AwsServiceException>> ByCode =
        new Dictionary<string, Func<AwsErrorDetails, AwsServiceException>>(StringComparer.Ordinal)
        {
            ["MalformedPolicyDocument"] = d => new StsMalformedPolicyDocumentException(d),
            ["PackedPolicyTooLarge"] = d => new PackedPolicyTooLargeException(d),
            ["RegionDisabledException"] = d => new RegionDisabledException(d),
            ["ExpiredTokenException"] = d => new ExpiredTokenException(d),
            ["IDPRejectedClaim"] = d => new IdpRejectedClaimException(d),
            ["IDPCommunicationError"] = d => new IdpCommunicationErrorException(d),
            ["InvalidIdentityToken"] = d => new InvalidIdentityTokenException(d),
            ["ValidationError"] = d => new StsValidationException(d),
        };
}
