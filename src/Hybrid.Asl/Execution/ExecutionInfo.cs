using System.Globalization;
using System.Text.Json.Nodes;

namespace Hybrid.Asl.Execution;

/// <summary>Who and what an execution is: the fields of the context object's Execution and StateMachine parts.</summary>
/// <param name="ExecutionId">The execution's ARN-style id.</param>
/// <param name="Name">The execution name.</param>
/// <param name="StateMachineId">The state machine's ARN-style id.</param>
/// <param name="StateMachineName">The state machine's name.</param>
/// <param name="StartTime">When the execution started.</param>
/// <param name="Input">The execution input.</param>
/// <param name="RoleArn">The role the execution runs as, if any.</param>
/// <param name="RedriveCount">How many times the execution was redriven.</param>
/// <param name="Principal">The verified caller (identity layer), exposed as <c>$$.Execution.Principal</c>.</param>
public sealed record ExecutionInfo(
    string ExecutionId,
    string Name,
    string StateMachineId,
    string StateMachineName,
    DateTimeOffset StartTime,
    JsonNode? Input,
    string? RoleArn = null,
    int RedriveCount = 0,
    JsonObject? Principal = null)
{
    /// <summary>Builds ARN-style ids for a locally run state machine.</summary>
    public static ExecutionInfo Local(string stateMachineName, string executionName, DateTimeOffset startTime, JsonNode? input, string region = "local", string account = "000000000000") =>
        new(
            $"arn:aws:states:{region}:{account}:execution:{stateMachineName}:{executionName}",
            executionName,
            $"arn:aws:states:{region}:{account}:stateMachine:{stateMachineName}",
            stateMachineName,
            startTime,
            input);

    /// <summary>Timestamps in the context object and history: ISO 8601, UTC, milliseconds (as AWS writes them).</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The per-state part of the context object, materialised only when an expression reads <c>$$</c>.</summary>
/// <remarks>Only states that can retry (Task, Parallel, Map) have <c>State.RetryCount</c>, as recorded against AWS.</remarks>
internal sealed record StateContext(ExecutionInfo Execution, string StateName, DateTimeOffset EnteredTime, int? RetryCount, JsonObject? MapItem, string? TaskToken)
{
    public JsonObject Build()
    {
        var execution = new JsonObject
        {
            ["Id"] = Execution.ExecutionId,
            ["Input"] = Execution.Input?.DeepClone(),
            ["StartTime"] = ExecutionInfo.FormatTime(Execution.StartTime),
            ["Name"] = Execution.Name,
            ["RoleArn"] = Execution.RoleArn,
            ["RedriveCount"] = Execution.RedriveCount,
        };
        if (Execution.Principal is not null)
        {
            execution["Principal"] = Execution.Principal.DeepClone();
        }

        var state = new JsonObject
        {
            ["Name"] = StateName,
            ["EnteredTime"] = ExecutionInfo.FormatTime(EnteredTime),
        };
        if (RetryCount is { } retries)
        {
            state["RetryCount"] = retries;
        }

        var context = new JsonObject
        {
            ["Execution"] = execution,
            ["StateMachine"] = new JsonObject
            {
                ["Id"] = Execution.StateMachineId,
                ["Name"] = Execution.StateMachineName,
            },
            ["State"] = state,
        };
        if (TaskToken is not null)
        {
            context["Task"] = new JsonObject { ["Token"] = TaskToken };
        }

        if (MapItem is not null)
        {
            context["Map"] = new JsonObject { ["Item"] = MapItem.DeepClone() };
        }

        return context;
    }
}
