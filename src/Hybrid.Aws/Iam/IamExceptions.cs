namespace Hybrid.Aws.Iam;

public sealed class EntityAlreadyExistsException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class NoSuchEntityException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class LimitExceededException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class MalformedPolicyDocumentException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class DeleteConflictException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ConcurrentModificationException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidInputException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class UnmodifiableEntityException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>IAM's <c>ServiceFailure</c> (HTTP 500); retried, and thrown when the attempts run out.</summary>
public sealed class ServiceFailureException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>IAM's <c>ValidationError</c>: a parameter broke a constraint.</summary>
public sealed class IamValidationException(AwsErrorDetails details) : AwsServiceException(details);

internal static class IamErrors
{
    public static readonly IReadOnlyDictionary<string, Func<AwsErrorDetails, AwsServiceException>> ByCode =
        new Dictionary<string, Func<AwsErrorDetails, AwsServiceException>>(StringComparer.Ordinal)
        {
            ["EntityAlreadyExists"] = d => new EntityAlreadyExistsException(d),
            ["NoSuchEntity"] = d => new NoSuchEntityException(d),
            ["LimitExceeded"] = d => new LimitExceededException(d),
            ["MalformedPolicyDocument"] = d => new MalformedPolicyDocumentException(d),
            ["DeleteConflict"] = d => new DeleteConflictException(d),
            ["ConcurrentModification"] = d => new ConcurrentModificationException(d),
            ["InvalidInput"] = d => new InvalidInputException(d),
            ["UnmodifiableEntity"] = d => new UnmodifiableEntityException(d),
            ["ServiceFailure"] = d => new ServiceFailureException(d),
            ["ValidationError"] = d => new IamValidationException(d),
        };
}
