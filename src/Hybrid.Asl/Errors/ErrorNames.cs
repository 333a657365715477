namespace Hybrid.Asl.Errors;

/// <summary>The error names of the Amazon States Language, and Hybrid's own, in one place.</summary>
public static class ErrorNames
{
    public const string All = "States.ALL";
    public const string TaskFailed = "States.TaskFailed";
    public const string Timeout = "States.Timeout";
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";
    public const string Runtime = "States.Runtime";
    public const string DataLimitExceeded = "States.DataLimitExceeded";
    public const string Permissions = "States.Permissions";
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";
    public const string ParameterPathFailure = "States.ParameterPathFailure";
    public const string BranchFailed = "States.BranchFailed";
    public const string NoChoiceMatched = "States.NoChoiceMatched";
    /// <summary>Reserved by AWS for future use; intrinsic function errors are reported as <see cref="Runtime"/>.</summary>
    public const string IntrinsicFailure = "States.IntrinsicFailure";
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
    public const string ItemReaderFailed = "States.ItemReaderFailed";
    public const string ResultWriterFailed = "States.ResultWriterFailed";
    public const string QueryEvaluationError = "States.QueryEvaluationError";

    /// <summary>Raised when an execution is stopped from outside.</summary>
    public const string Aborted = "States.Aborted";
}
