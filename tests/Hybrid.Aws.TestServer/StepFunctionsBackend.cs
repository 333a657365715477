using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hybrid.Aws.TestServer;

public enum StateMachineType
{
    Standard,
    Express,
}

/// <summary>One history event as the server keeps it.</summary>
public sealed record SfnHistoryEvent(long Id, long? PreviousEventId, string Type, DateTimeOffset Timestamp, string? DetailsName, JsonObject? Details);

/// <summary>An execution the server keeps. Its status changes only when the test (or StopExecution) changes it.</summary>
public sealed class SfnExecution
{
    internal SfnExecution(string arn, string stateMachineArn, string name, string input, string? traceHeader, DateTimeOffset startDate)
    {
        Arn = arn;
        StateMachineArn = stateMachineArn;
        Name = name;
        Input = input;
        TraceHeader = traceHeader;
        StartDate = startDate;
    }

    public string Arn { get; }

    public string StateMachineArn { get; }

    public string Name { get; }

    public string Input { get; }

    public string? TraceHeader { get; }

    public DateTimeOffset StartDate { get; }

    public string Status { get; internal set; } = "RUNNING";

    public DateTimeOffset? StopDate { get; internal set; }

    public string? Output { get; internal set; }

    public string? Error { get; internal set; }

    public string? Cause { get; internal set; }

    internal List<SfnHistoryEvent> History { get; } = [];

    public IReadOnlyList<SfnHistoryEvent> Events => History;
}

/// <summary>What a synchronous Express execution ends with, decided by the test.</summary>
public sealed record SyncOutcome(string Status, string? Output = null, string? Error = null, string? Cause = null);

/// <summary>
/// Step Functions state: state machines the test registers, executions with the idempotency and naming rules of
/// StartExecution, status transitions the test controls, history, and StartSyncExecution for Express machines.
/// </summary>
public sealed partial class StepFunctionsBackend
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (StateMachineType Type, bool Deleting)> _stateMachines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SfnExecution> _executions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _region;
    private readonly string _account;

    internal StepFunctionsBackend(TimeProvider time, string region, string account)
    {
        _time = time;
        _region = region;
        _account = account;
    }

    /// <summary>Decides how a StartSyncExecution ends; by default it succeeds and echoes its input.</summary>
    public Func<string, string, SyncOutcome> SyncBehavior { get; set; } = (_, input) => new SyncOutcome("SUCCEEDED", input);

    /// <summary>Running executions allowed at once; one more gets ExecutionLimitExceeded.</summary>
    public int MaxRunningExecutions { get; set; } = 1_000_000;

    public string AddStateMachine(string name, StateMachineType type = StateMachineType.Standard)
    {
        var arn = $"arn:aws:states:{_region}:{_account}:stateMachine:{name}";
        lock (_gate)
        {
            _stateMachines[arn] = (type, false);
        }

        return arn;
    }

    public void MarkDeleting(string stateMachineArn)
    {
        lock (_gate)
        {
            _stateMachines[stateMachineArn] = _stateMachines[stateMachineArn] with { Deleting = true };
        }
    }

    public SfnExecution Execution(string executionArn)
    {
        lock (_gate)
        {
            return _executions[executionArn];
        }
    }

    public IReadOnlyList<SfnExecution> Executions
    {
        get
        {
            lock (_gate)
            {
                return [.. _executions.Values];
            }
        }
    }

    public void Succeed(string executionArn, string output) => Close(executionArn, "SUCCEEDED", output, null, null);

    public void Fail(string executionArn, string error, string cause) => Close(executionArn, "FAILED", null, error, cause);

    public void TimeOut(string executionArn) => Close(executionArn, "TIMED_OUT", null, "States.Timeout", "The execution timed out.");

    private void Close(string arn, string status, string? output, string? error, string? cause)
    {
        lock (_gate)
        {
            var execution = _executions[arn];
            if (execution.Status != "RUNNING")
            {
                throw new InvalidOperationException($"The execution {arn} is {execution.Status}, not RUNNING.");
            }

            CloseLocked(execution, status, output, error, cause);
        }
    }

    private void CloseLocked(SfnExecution execution, string status, string? output, string? error, string? cause)
    {
        execution.Status = status;
        execution.StopDate = _time.GetUtcNow();
        execution.Output = output;
        execution.Error = error;
        execution.Cause = cause;
        var (type, detailsName, details) = status switch
        {
            "SUCCEEDED" => ("ExecutionSucceeded", "executionSucceededEventDetails",
                new JsonObject { ["output"] = output, ["outputDetails"] = new JsonObject { ["truncated"] = false } }),
            "FAILED" => ("ExecutionFailed", "executionFailedEventDetails", new JsonObject { ["error"] = error, ["cause"] = cause }),
            "TIMED_OUT" => ("ExecutionTimedOut", "executionTimedOutEventDetails", new JsonObject { ["error"] = error, ["cause"] = cause }),
            _ => ("ExecutionAborted", "executionAbortedEventDetails", new JsonObject { ["error"] = error, ["cause"] = cause }),
        };
        AddEvent(execution, type, detailsName, details);
    }

    private void AddEvent(SfnExecution execution, string type, string detailsName, JsonObject details)
    {
        var id = execution.History.Count + 1;
        execution.History.Add(new SfnHistoryEvent(id, id == 1 ? null : id - 1, type, _time.GetUtcNow(), detailsName, details));
    }

    internal JsonObject Handle(string operation, JsonObject input) => operation switch
    {
        "StartExecution" => StartExecution(input),
        "DescribeExecution" => DescribeExecution(input),
        "StopExecution" => StopExecution(input),
        "GetExecutionHistory" => GetExecutionHistory(input),
        "StartSyncExecution" => StartSyncExecution(input),
        _ => throw new AwsErrorResponse("UnknownOperationException", $"The test server does not implement {operation}."),
    };

    private JsonObject StartExecution(JsonObject input)
    {
        var stateMachineArn = (string)input["stateMachineArn"]!;
        var name = (string?)input["name"] ?? Guid.NewGuid().ToString();
        var executionInput = (string?)input["input"] ?? "{}";
        lock (_gate)
        {
            // Express machines are started like Standard ones here (AWS could not describe them afterwards).
            CheckStateMachine(stateMachineArn);
            CheckName(name);
            CheckInput(executionInput);
            var arn = $"arn:aws:states:{_region}:{_account}:execution:{StateMachineName(stateMachineArn)}:{name}";
            if (_executions.TryGetValue(arn, out var existing))
            {
                if (existing.Status == "RUNNING" && existing.Input == executionInput)
                {
                    return new JsonObject { ["executionArn"] = arn, ["startDate"] = existing.StartDate };
                }

                throw new AwsErrorResponse("ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");
            }

            if (_executions.Values.Count(e => e.Status == "RUNNING") >= MaxRunningExecutions)
            {
                throw new AwsErrorResponse("ExecutionLimitExceeded", "The maximum number of running executions has been reached.");
            }

            var execution = new SfnExecution(arn, stateMachineArn, name, executionInput, (string?)input["traceHeader"], _time.GetUtcNow());
            _executions[arn] = execution;
            AddEvent(execution, "ExecutionStarted", "executionStartedEventDetails", new JsonObject
            {
                ["input"] = executionInput,
                ["inputDetails"] = new JsonObject { ["truncated"] = false },
                ["roleArn"] = $"arn:aws:iam::{_account}:role/service-role/StepFunctions-{StateMachineName(stateMachineArn)}",
            });
            return new JsonObject { ["executionArn"] = arn, ["startDate"] = execution.StartDate };
        }
    }

    private JsonObject DescribeExecution(JsonObject input)
    {
        lock (_gate)
        {
            var e = FindExecution((string)input["executionArn"]!);
            return new JsonObject
            {
                ["executionArn"] = e.Arn,
                ["stateMachineArn"] = e.StateMachineArn,
                ["name"] = e.Name,
                ["status"] = e.Status,
                ["startDate"] = e.StartDate,
                ["stopDate"] = e.StopDate,
                ["input"] = e.Input,
                ["inputDetails"] = new JsonObject { ["included"] = true },
                ["output"] = e.Output,
                ["outputDetails"] = e.Output is null ? null : new JsonObject { ["included"] = true },
                ["error"] = e.Error,
                ["cause"] = e.Cause,
                ["traceHeader"] = e.TraceHeader,
            };
        }
    }

    private JsonObject StopExecution(JsonObject input)
    {
        lock (_gate)
        {
            var e = FindExecution((string)input["executionArn"]!);
            if (e.Status == "RUNNING")
            {
                CloseLocked(e, "ABORTED", null, (string?)input["error"], (string?)input["cause"]);
            }

            return new JsonObject { ["stopDate"] = e.StopDate };
        }
    }

    private JsonObject GetExecutionHistory(JsonObject input)
    {
        lock (_gate)
        {
            var e = FindExecution((string)input["executionArn"]!);
            var pageSize = (int?)input["maxResults"] is int max and > 0 ? max : 100;
            var reverse = (bool?)input["reverseOrder"] ?? false;
            var includeData = (bool?)input["includeExecutionData"] ?? true;
            var offset = 0;
            if ((string?)input["nextToken"] is { } token)
            {
                offset = DecodeToken(token, e.Arn);
            }

            var ordered = reverse ? e.History.AsEnumerable().Reverse().ToList() : e.History;
            var page = ordered.Skip(offset).Take(pageSize).ToList();
            var events = new JsonArray();
            foreach (var ev in page)
            {
                var item = new JsonObject
                {
                    ["timestamp"] = ev.Timestamp,
                    ["type"] = ev.Type,
                    ["id"] = ev.Id,
                    ["previousEventId"] = ev.PreviousEventId,
                };
                if (ev.DetailsName is not null && ev.Details is not null)
                {
                    var details = (JsonObject)ev.Details.DeepClone();
                    if (!includeData)
                    {
                        details.Remove("input");
                        details.Remove("output");
                    }

                    item[ev.DetailsName] = details;
                }

                events.Add(item);
            }

            var next = offset + page.Count < ordered.Count ? EncodeToken(offset + page.Count, e.Arn) : null;
            return new JsonObject { ["events"] = events, ["nextToken"] = next };
        }
    }

    private JsonObject StartSyncExecution(JsonObject input)
    {
        var stateMachineArn = (string)input["stateMachineArn"]!;
        var name = (string?)input["name"] ?? Guid.NewGuid().ToString();
        var executionInput = (string?)input["input"] ?? "{}";
        lock (_gate)
        {
            if (CheckStateMachine(stateMachineArn) != StateMachineType.Express)
            {
                throw new AwsErrorResponse("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
            }

            CheckName(name);
            CheckInput(executionInput);
        }

        var start = _time.GetUtcNow();
        var outcome = SyncBehavior(stateMachineArn, executionInput);
        return new JsonObject
        {
            ["executionArn"] = $"arn:aws:states:{_region}:{_account}:express:{StateMachineName(stateMachineArn)}:{name}:{Guid.NewGuid()}",
            ["stateMachineArn"] = stateMachineArn,
            ["name"] = name,
            ["startDate"] = start,
            ["stopDate"] = _time.GetUtcNow(),
            ["status"] = outcome.Status,
            ["error"] = outcome.Error,
            ["cause"] = outcome.Cause,
            ["input"] = executionInput,
            ["inputDetails"] = new JsonObject { ["included"] = true },
            ["output"] = outcome.Output,
            ["outputDetails"] = outcome.Output is null ? null : new JsonObject { ["included"] = true },
            ["billingDetails"] = new JsonObject { ["billedMemoryUsedInMB"] = 64, ["billedDurationInMilliseconds"] = 100 },
        };
    }

    private StateMachineType CheckStateMachine(string arn)
    {
        if (!StateMachineArnPattern().IsMatch(arn))
        {
            throw new AwsErrorResponse("InvalidArn", $"Invalid Arn: 'Resource type not valid in this context: {arn}'");
        }

        if (!_stateMachines.TryGetValue(arn, out var machine))
        {
            throw new AwsErrorResponse("StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");
        }

        if (machine.Deleting)
        {
            throw new AwsErrorResponse("StateMachineDeleting", $"State Machine is being deleted: '{arn}'");
        }

        return machine.Type;
    }

    private SfnExecution FindExecution(string arn)
    {
        if (!ExecutionArnPattern().IsMatch(arn))
        {
            throw new AwsErrorResponse("InvalidArn", $"Invalid Arn: 'Resource type not valid in this context: {arn}'");
        }

        return _executions.TryGetValue(arn, out var execution)
            ? execution
            : throw new AwsErrorResponse("ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
    }

    /// <summary>1-80 characters; no whitespace, no <c>&lt; &gt; { } [ ] ? * " # % \ ^ | ~ ` $ &amp; , ; : /</c>, no control characters.</summary>
    private static void CheckName(string name)
    {
        if (name.Length is < 1 or > 80 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || "<>{}[]?*\"#%\\^|~`$&,;:/".Contains(c, StringComparison.Ordinal)))
        {
            throw new AwsErrorResponse("InvalidName", $"Invalid Name: '{name}'");
        }
    }

    private static void CheckInput(string input)
    {
        try
        {
            using var _ = JsonDocument.Parse(input);
        }
        catch (JsonException ex)
        {
            throw new AwsErrorResponse("InvalidExecutionInput", $"Invalid State Machine Execution Input: '{ex.Message}'");
        }
    }

    private static string StateMachineName(string arn) => arn[(arn.LastIndexOf(':') + 1)..];

    private static string EncodeToken(int offset, string arn)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture) + "|" + arn));

    private static int DecodeToken(string token, string arn)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
            if (parts.Length == 2 && parts[1] == arn && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var offset) && offset >= 0)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new AwsErrorResponse("InvalidToken", $"Invalid Token: '{token}'");
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$")]
    private static partial Regex StateMachineArnPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$")]
    private static partial Regex ExecutionArnPattern();
}
