using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Running;
using Hybrid.Aws.StepFunctions;

namespace Hybrid.Aws.Bridge;

/// <summary>
/// Serves the ASL Task resources that start an AWS Step Functions execution, with AWS's Parameters (<c>StateMachineArn</c>,
/// <c>Input</c>, <c>Name</c>) and AWS's result shapes:
/// <list type="bullet">
/// <item><c>arn:aws:states:::states:startExecution</c>: starts the child and returns <c>{ExecutionArn, StartDate}</c>.</item>
/// <item><c>...startExecution.sync</c> and <c>.sync:2</c>: starts it, then the runner polls it durably until it ends. The
/// result is the child's description, with <c>Input</c> and <c>Output</c> as strings (<c>.sync</c>) or as JSON (<c>.sync:2</c>).
/// A FAILED, TIMED_OUT or ABORTED child fails the task with <c>States.TaskFailed</c>, its cause the child's description as
/// JSON text (holding the child's <c>Error</c> and <c>Cause</c>).</item>
/// </list>
/// Without a <c>Name</c> the child's name is derived from the durable execution and the invocation, so a replayed or
/// redelivered start never starts a second child; a name AWS already knows with the same input is the same run.
/// </summary>
public sealed class StepFunctionsBridge : ILongRunningTaskHandler
{
    public const string StartExecution = "arn:aws:states:::states:startExecution";
    public const string StartExecutionSync = StartExecution + ".sync";
    public const string StartExecutionSync2 = StartExecution + ".sync:2";

    private const int StartAttempts = 3;
    private static readonly HashSet<string> ParameterNames = new(StringComparer.Ordinal) { "StateMachineArn", "Input", "Name" };

    private readonly AwsBridgeOptions _options;
    private readonly BridgeCredentials _credentials;

    /// <param name="aws">The clients (their credentials are the bridge's own, and sign STS calls under federation).</param>
    /// <param name="options">Polling, the caller field and federation.</param>
    /// <param name="unsealToken">Unseals a caller's sealed token for an execution id (federation with AssumeRoleWithWebIdentity).</param>
    /// <param name="time">The clock for the credentials cache.</param>
    public StepFunctionsBridge(AwsClients aws, AwsBridgeOptions options, Func<string, string, string?>? unsealToken = null, TimeProvider? time = null)
    {
        Check.NotNull(aws);
        _options = Check.NotNull(options);
        options.Validate();
        _credentials = new BridgeCredentials(aws, options.Federation, unsealToken, time ?? TimeProvider.System);
    }

    /// <summary>Registers the three resources.</summary>
    public TaskHandlerRegistry Register(TaskHandlerRegistry registry)
    {
        Check.NotNull(registry);
        return registry
            .Register(StartExecution, StartAndReturnAsync)
            .Register(StartExecutionSync, (ILongRunningTaskHandler)this)
            .Register(StartExecutionSync2, (ILongRunningTaskHandler)this);
    }

    public async ValueTask<TaskProgress> StartAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        Check.NotNull(invocation);
        var started = await StartChildAsync(invocation, cancellationToken).ConfigureAwait(false);
        return TaskProgress.Running(StartOutput(started), _options.FirstPollInterval);
    }

    public async ValueTask<TaskProgress> PollAsync(TaskInvocation invocation, JsonNode? state, int poll, CancellationToken cancellationToken)
    {
        Check.NotNull(invocation);
        var arn = ExecutionArnOf(state, invocation);
        var sfn = await _credentials.ClientForAsync(invocation, cancellationToken).ConfigureAwait(false);
        ExecutionDescription child;
        try
        {
            child = await sfn.DescribeExecutionAsync(arn, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsThrottlingException or AwsServiceUnavailableException or AwsResponseParseException or HttpRequestException or TimeoutException)
        {
            // The client's own retries ran out: the child still runs, so look again later rather than fail the task.
            return TaskProgress.Running(state, _options.MaxPollInterval);
        }
        catch (AwsServiceException e)
        {
            throw ToAslError(e);
        }

        if (child.Status is ExecutionStatus.Running or ExecutionStatus.Unknown)
        {
            var wait = _options.FirstPollInterval * Math.Pow(2, Math.Min(poll, 20));
            return TaskProgress.Running(state, wait < _options.MaxPollInterval ? wait : _options.MaxPollInterval);
        }

        var result = Describe(child, parseData: invocation.Resource == StartExecutionSync2);
        return child.Status == ExecutionStatus.Succeeded
            ? TaskProgress.Done(result)
            : throw new AslException(ErrorNames.TaskFailed, AslJson.ToJsonString(result));
    }

    public async ValueTask StopAsync(TaskInvocation invocation, JsonNode? state, string? error, string? cause, CancellationToken cancellationToken)
    {
        Check.NotNull(invocation);
        var sfn = await _credentials.ClientForAsync(invocation, cancellationToken).ConfigureAwait(false);
        try
        {
            await sfn.StopExecutionAsync(new StopExecutionRequest(ExecutionArnOf(state, invocation), Truncate(error, 256), Truncate(cause, 32768)), cancellationToken).ConfigureAwait(false);
        }
        catch (ExecutionDoesNotExistException)
        {
            // Nothing to stop.
        }
        catch (AwsServiceException e)
        {
            throw ToAslError(e);
        }
    }

    private async ValueTask<JsonNode?> StartAndReturnAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
        StartOutput(await StartChildAsync(Check.NotNull(invocation), cancellationToken).ConfigureAwait(false));

    private async Task<StartExecutionResult> StartChildAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var (stateMachineArn, input, name) = ReadParameters(invocation);
        var sfn = await _credentials.ClientForAsync(invocation, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await sfn.StartExecutionAsync(new StartExecutionRequest(stateMachineArn, name, input), cancellationToken).ConfigureAwait(false);
            }
            catch (AwsResponseParseException) when (attempt < StartAttempts)
            {
                // The start may have happened: starting again with the same name and input returns the same execution.
            }
            catch (ExecutionAlreadyExistsException e)
            {
                // A closed execution of the same name: the same run if it had the same input (a start repeated after a crash).
                var arn = ExecutionArnFor(stateMachineArn, name);
                var existing = arn is null ? null : await DescribeOrNullAsync(sfn, arn, cancellationToken).ConfigureAwait(false);
                return existing is not null && existing.Input == input
                    ? new StartExecutionResult(existing.ExecutionArn, existing.StartDate)
                    : throw ToAslError(e);
            }
            catch (AwsServiceException e)
            {
                throw ToAslError(e);
            }
        }
    }

    private static async Task<ExecutionDescription?> DescribeOrNullAsync(IStepFunctionsClient sfn, string arn, CancellationToken cancellationToken)
    {
        try
        {
            return await sfn.DescribeExecutionAsync(arn, cancellationToken).ConfigureAwait(false);
        }
        catch (ExecutionDoesNotExistException)
        {
            return null;
        }
    }

    /// <summary>AWS's Parameters, checked; the input with the caller added; the given or derived name.</summary>
    private (string StateMachineArn, string Input, string Name) ReadParameters(TaskInvocation invocation)
    {
        if (invocation.Input is not JsonObject parameters)
        {
            throw Invalid(invocation, $"its Parameters must be an object with StateMachineArn (and optionally Input and Name), not {AslJson.KindOf(invocation.Input)}.");
        }

        foreach (var (key, _) in parameters)
        {
            if (!ParameterNames.Contains(key))
            {
                throw Invalid(invocation, $"'{key}' is not a parameter of {invocation.Resource}; use StateMachineArn, Input and Name.");
            }
        }

        var arn = parameters["StateMachineArn"] is JsonValue arnValue && arnValue.GetValueKind() == JsonValueKind.String
            ? arnValue.GetValue<string>()
            : throw Invalid(invocation, "the StateMachineArn parameter is required and must be a string.");
        string? name = null;
        if (parameters["Name"] is { } nameNode)
        {
            name = nameNode is JsonValue nameValue && nameValue.GetValueKind() == JsonValueKind.String
                ? nameNode.GetValue<string>()
                : throw Invalid(invocation, "the Name parameter must be a string.");
        }

        return (arn, InputWithCaller(parameters["Input"], invocation), name ?? DerivedName(invocation));
    }

    private static AslException Invalid(TaskInvocation invocation, string problem) =>
        new(ErrorNames.Runtime, $"Task '{invocation.StateName}' ({invocation.Resource}): {problem}");

    /// <summary>
    /// The child's input text. A string is the input as it is (as in AWS); anything else is serialized. When it is an
    /// object and the execution has a caller, <see cref="AwsBridgeOptions.CallerField"/> carries the caller (replacing any
    /// value the workflow put there, so the workflow cannot speak for another caller).
    /// </summary>
    private string InputWithCaller(JsonNode? input, TaskInvocation invocation)
    {
        var node = input is JsonValue text && text.GetValueKind() == JsonValueKind.String ? TryParse(text.GetValue<string>()) ?? input : input;
        if (invocation.Scope?.Subject is not { } subject || node is not JsonObject obj)
        {
            return input is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : AslJson.ToJsonString(input ?? new JsonObject());
        }

        var copy = (JsonObject)obj.DeepClone();
        copy[_options.CallerField] = new JsonObject
        {
            ["Subject"] = subject,
            ["ExecutionId"] = invocation.Context["Execution"]?["Id"]?.DeepClone(),
        };
        return AslJson.ToJsonString(copy);
    }

    /// <summary>
    /// A name derived from the execution (its id and start time, so a later execution of the same name gets other
    /// children) and the invocation's key (so each Retry or loop is a new child, and each replay the same one).
    /// </summary>
    private static string DerivedName(TaskInvocation invocation)
    {
        var execution = invocation.Context["Execution"];
        var readable = $"{execution?["Name"]}-{invocation.StateName}";
        return ExecutionNames.FromKey($"{readable}|{execution?["Id"]}|{execution?["StartTime"]}|{invocation.Scope?.Key}|{invocation.Attempt}");
    }

    private static JsonObject StartOutput(StartExecutionResult started) => new()
    {
        ["ExecutionArn"] = started.ExecutionArn,
        ["StartDate"] = started.StartDate.ToUnixTimeMilliseconds(),
    };

    /// <summary>DescribeExecution as AWS's optimized integration returns it: PascalCase members, dates in epoch milliseconds.</summary>
    private static JsonObject Describe(ExecutionDescription child, bool parseData)
    {
        var result = new JsonObject
        {
            ["ExecutionArn"] = child.ExecutionArn,
            ["StateMachineArn"] = child.StateMachineArn,
            ["Name"] = child.Name,
            ["Status"] = child.Status switch
            {
                ExecutionStatus.Succeeded => "SUCCEEDED",
                ExecutionStatus.Failed => "FAILED",
                ExecutionStatus.TimedOut => "TIMED_OUT",
                _ => "ABORTED",
            },
            ["StartDate"] = child.StartDate.ToUnixTimeMilliseconds(),
        };
        if (child.StopDate is { } stop)
        {
            result["StopDate"] = stop.ToUnixTimeMilliseconds();
        }

        if (child.Input is { } input)
        {
            result["Input"] = parseData ? TryParse(input) ?? input : input;
            result["InputDetails"] = new JsonObject { ["Included"] = true };
        }

        if (child.Output is { } output)
        {
            result["Output"] = parseData ? TryParse(output) ?? output : output;
            result["OutputDetails"] = new JsonObject { ["Included"] = true };
        }

        if (child.Error is { } error)
        {
            result["Error"] = error;
        }

        if (child.Cause is { } cause)
        {
            result["Cause"] = cause;
        }

        if (child.TraceHeader is { } trace)
        {
            result["TraceHeader"] = trace;
        }

        return result;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return AslJson.Parse(text);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static string ExecutionArnOf(JsonNode? state, TaskInvocation invocation) =>
        state?["ExecutionArn"] is JsonValue arn && arn.GetValueKind() == JsonValueKind.String
            ? arn.GetValue<string>()
            : throw new InvalidOperationException($"Task '{invocation.StateName}': the bridge's poll state has no ExecutionArn.");

    /// <summary><c>arn:...:stateMachine:Name</c> to <c>arn:...:execution:Name:name</c>; null for versions and aliases.</summary>
    internal static string? ExecutionArnFor(string stateMachineArn, string name)
    {
        var parts = stateMachineArn.Split(':');
        return parts is [_, _, _, _, _, "stateMachine", _]
            ? string.Join(':', parts[..5]) + $":execution:{parts[6]}:{name}"
            : null;
    }

    /// <summary>An AWS error as AWS's optimized integration names it: <c>StepFunctions.&lt;Code&gt;Exception</c>, with its cause.</summary>
    private static AslException ToAslError(AwsServiceException e)
    {
        var d = e.Details;
        var code = d.ErrorCode.EndsWith("Exception", StringComparison.Ordinal) ? d.ErrorCode : d.ErrorCode + "Exception";
        return new AslException(
            $"StepFunctions.{code}",
            $"{d.Message} (Service: AWSStepFunctions; Status Code: {(int)d.StatusCode}; Error Code: {d.ErrorCode}; Request ID: {d.RequestId}; Proxy: null)");
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
