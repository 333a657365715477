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
        var context = new JsonObject();
        foreach (var (name, part) in ExecutionMembers(Execution))
        {
            context[name] = part;
        }

        foreach (var (name, part) in StateMembers())
        {
            context[name] = part;
        }

        return context;
    }

    /// <summary>The members that are the same for every state of an execution: Execution and StateMachine.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode>> ExecutionMembers(ExecutionInfo execution)
    {
        var members = new JsonObject
        {
            ["Id"] = execution.ExecutionId,
            ["Input"] = execution.Input?.DeepClone(),
            ["StartTime"] = ExecutionInfo.FormatTime(execution.StartTime),
            ["Name"] = execution.Name,
            ["RoleArn"] = execution.RoleArn,
            ["RedriveCount"] = execution.RedriveCount,
        };
        if (execution.Principal is not null)
        {
            members["Principal"] = execution.Principal.DeepClone();
        }

        yield return new("Execution", members);
        yield return new("StateMachine", new JsonObject
        {
            ["Id"] = execution.StateMachineId,
            ["Name"] = execution.StateMachineName,
        });
    }

    /// <summary>The members that belong to this state: State, and Task or Map where it has them.</summary>
    public IEnumerable<KeyValuePair<string, JsonNode>> StateMembers()
    {
        var state = new JsonObject
        {
            ["Name"] = StateName,
            ["EnteredTime"] = ExecutionInfo.FormatTime(EnteredTime),
        };
        if (RetryCount is { } retries)
        {
            state["RetryCount"] = retries;
        }

        yield return new("State", state);
        if (TaskToken is not null)
        {
            yield return new("Task", new JsonObject { ["Token"] = TaskToken });
        }

        if (MapItem is not null)
        {
            yield return new("Map", new JsonObject { ["Item"] = MapItem.DeepClone() });
        }
    }
}
