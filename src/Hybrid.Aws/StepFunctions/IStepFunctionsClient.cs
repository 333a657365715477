namespace Hybrid.Aws.StepFunctions;

/// <summary>
/// The Step Functions operations the bridge uses. Every method retries throttling and 5xx, honours cancellation, and
/// throws a typed <see cref="AwsServiceException"/> subclass for each modelled error.
/// </summary>
public interface IStepFunctionsClient
{
    /// <exception cref="ExecutionAlreadyExistsException">The name was used in the last 90 days with another input or the execution is closed.</exception>
    /// <exception cref="StateMachineDoesNotExistException">No such state machine.</exception>
    Task<StartExecutionResult> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken = default);

    /// <exception cref="ExecutionDoesNotExistException">No such execution.</exception>
    Task<ExecutionDescription> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken = default);

    Task<StopExecutionResult> StopExecutionAsync(StopExecutionRequest request, CancellationToken cancellationToken = default);

    Task<ExecutionHistoryPage> GetExecutionHistoryAsync(GetExecutionHistoryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs an Express state machine synchronously, on the <c>sync-</c> endpoint.</summary>
    Task<SyncExecutionResult> StartSyncExecutionAsync(StartSyncExecutionRequest request, CancellationToken cancellationToken = default);
}
