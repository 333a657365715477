namespace Hybrid.Aws.StepFunctions;

public sealed class ExecutionAlreadyExistsException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ExecutionDoesNotExistException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class ExecutionLimitExceededException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidArnException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidExecutionInputException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidNameException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class InvalidTokenException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class StateMachineDoesNotExistException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class StateMachineDeletingException(AwsErrorDetails details) : AwsServiceException(details);

public sealed class StateMachineTypeNotSupportedException(AwsErrorDetails details) : AwsServiceException(details);

/// <summary>Step Functions' <c>ValidationException</c>: a request member broke a constraint.</summary>
public sealed class StepFunctionsValidationException(AwsErrorDetails details) : AwsServiceException(details);

internal static class StepFunctionsErrors
{
    public static readonly IReadOnlyDictionary<string, Func<AwsErrorDetails, AwsServiceException>> ByCode =
        new Dictionary<string, Func<AwsErrorDetails, AwsServiceException>>(StringComparer.Ordinal)
        {
            ["ExecutionAlreadyExists"] = d => new ExecutionAlreadyExistsException(d),
            ["ExecutionDoesNotExist"] = d => new ExecutionDoesNotExistException(d),
            ["ExecutionLimitExceeded"] = d => new ExecutionLimitExceededException(d),
            ["InvalidArn"] = d => new InvalidArnException(d),
            ["InvalidExecutionInput"] = d => new InvalidExecutionInputException(d),
            ["InvalidName"] = d => new InvalidNameException(d),
            ["InvalidToken"] = d => new InvalidTokenException(d),
            ["StateMachineDoesNotExist"] = d => new StateMachineDoesNotExistException(d),
            ["StateMachineDeleting"] = d => new StateMachineDeletingException(d),
            ["StateMachineTypeNotSupported"] = d => new StateMachineTypeNotSupportedException(d),
            ["ValidationException"] = d => new StepFunctionsValidationException(d),
        };
}
