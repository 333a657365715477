using System.Text.Json;
using Hybrid.Aws.Http;

namespace Hybrid.Aws.StepFunctions;

/// <summary>Step Functions over AWS JSON 1.0: <c>POST /</c> with <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>.</summary>
internal sealed class StepFunctionsClient(AwsHttpPipeline pipeline, Uri endpoint, Uri syncEndpoint) : IStepFunctionsClient
{
    public const string SigningName = "states";
    private const string TargetPrefix = "AWSStepFunctions.";

    public Task<StartExecutionResult> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        Check.NotEmpty(request.StateMachineArn);
        return SendAsync(
            "StartExecution",
            endpoint,
            w => WriteStart(w, request.StateMachineArn, request.Name, request.Input, request.TraceHeader),
            o => new StartExecutionResult(o.RequiredString("executionArn"), o.RequiredTimestamp("startDate")),
            cancellationToken);
    }

    public Task<ExecutionDescription> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken = default)
    {
        Check.NotEmpty(executionArn);
        return SendAsync("DescribeExecution", endpoint, w => w.WriteString("executionArn", executionArn), o => new ExecutionDescription(
            o.RequiredString("executionArn"),
            o.RequiredString("stateMachineArn"),
            o.OptionalString("name"),
            ParseStatus(o.RequiredString("status")),
            o.RequiredTimestamp("startDate"),
            o.OptionalTimestamp("stopDate"),
            o.OptionalString("input"),
            o.OptionalString("output"),
            o.OptionalString("error"),
            o.OptionalString("cause"),
            o.OptionalString("traceHeader")), cancellationToken);
    }

    public Task<StopExecutionResult> StopExecutionAsync(StopExecutionRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        Check.NotEmpty(request.ExecutionArn);
        return SendAsync("StopExecution", endpoint, w =>
        {
            w.WriteString("executionArn", request.ExecutionArn);
            w.WriteOptional("error", request.Error);
            w.WriteOptional("cause", request.Cause);
        }, o => new StopExecutionResult(o.RequiredTimestamp("stopDate")), cancellationToken);
    }

    public Task<ExecutionHistoryPage> GetExecutionHistoryAsync(GetExecutionHistoryRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        Check.NotEmpty(request.ExecutionArn);
        return SendAsync("GetExecutionHistory", endpoint, w =>
        {
            w.WriteString("executionArn", request.ExecutionArn);
            if (request.MaxResults is { } max)
            {
                w.WriteNumber("maxResults", Check.InRange(max, 0, 1000, nameof(request.MaxResults)));
            }

            if (request.ReverseOrder is { } reverse)
            {
                w.WriteBoolean("reverseOrder", reverse);
            }

            w.WriteOptional("nextToken", request.NextToken);
            if (request.IncludeExecutionData is { } include)
            {
                w.WriteBoolean("includeExecutionData", include);
            }
        }, ParseHistory, cancellationToken);
    }

    public Task<SyncExecutionResult> StartSyncExecutionAsync(StartSyncExecutionRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        Check.NotEmpty(request.StateMachineArn);
        return SendAsync("StartSyncExecution", syncEndpoint, w => WriteStart(w, request.StateMachineArn, request.Name, request.Input, request.TraceHeader), o => new SyncExecutionResult(
            o.RequiredString("executionArn"),
            o.OptionalString("stateMachineArn"),
            o.OptionalString("name"),
            ParseStatus(o.RequiredString("status")),
            o.RequiredTimestamp("startDate"),
            o.RequiredTimestamp("stopDate"),
            o.OptionalString("input"),
            o.OptionalString("output"),
            o.OptionalString("error"),
            o.OptionalString("cause")), cancellationToken);
    }

    internal static ExecutionStatus ParseStatus(string status) => status switch
    {
        "RUNNING" => ExecutionStatus.Running,
        "SUCCEEDED" => ExecutionStatus.Succeeded,
        "FAILED" => ExecutionStatus.Failed,
        "TIMED_OUT" => ExecutionStatus.TimedOut,
        "ABORTED" => ExecutionStatus.Aborted,
        _ => ExecutionStatus.Unknown,
    };

    private static void WriteStart(Utf8JsonWriter writer, string stateMachineArn, string? name, string? input, string? traceHeader)
    {
        writer.WriteString("stateMachineArn", stateMachineArn);
        writer.WriteOptional("name", name);
        writer.WriteOptional("input", input);
        writer.WriteOptional("traceHeader", traceHeader);
    }

    private static ExecutionHistoryPage ParseHistory(JsonElement o)
    {
        if (!o.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("member 'events' is missing or not an array");
        }

        var list = new List<HistoryEvent>(events.GetArrayLength());
        foreach (var e in events.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("an element of 'events' is not an object");
            }

            string? detailsName = null;
            JsonElement? details = null;
            foreach (var property in e.EnumerateObject())
            {
                if (property.Name.EndsWith("EventDetails", StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.Object)
                {
                    detailsName = property.Name;
                    details = property.Value.Clone();
                }
            }

            list.Add(new HistoryEvent(
                e.RequiredLong("id"), e.OptionalLong("previousEventId"), e.RequiredString("type"), e.RequiredTimestamp("timestamp"), detailsName, details));
        }

        return new ExecutionHistoryPage(list, o.OptionalString("nextToken"));
    }

    private Task<T> SendAsync<T>(string operation, Uri target, Action<Utf8JsonWriter> write, Func<JsonElement, T> parse, CancellationToken cancellationToken)
        => pipeline.SendAsync(
            operation,
            target,
            AwsJsonProtocol.Body(write),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["X-Amz-Target"] = TargetPrefix + operation },
            (op, response) => AwsErrorCodes.Map(AwsJsonProtocol.ParseError(SigningName, op, response), StepFunctionsErrors.ByCode),
            response => parse(AwsJsonProtocol.ParseObject(response)),
            cancellationToken);
}
