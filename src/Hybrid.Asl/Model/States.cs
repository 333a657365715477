using System.Text.Json.Nodes;
using Hybrid.Asl.Expressions;

namespace Hybrid.Asl.Model;

/// <summary>Pass: moves its input to its output, optionally injecting a literal Result or a Parameters template.</summary>
public sealed class PassState : State
{
    internal PassState(string name, string pointer, StateCommon common, Template? parameters, JsonNode? result, bool hasResult, OptionalPath resultPath)
        : base(name, pointer, StateType.Pass, common)
    {
        Parameters = parameters;
        Result = result;
        HasResult = hasResult;
        ResultPath = resultPath;
    }

    public Template? Parameters { get; }

    /// <summary>The literal Result; its <c>.$</c> keys are not evaluated.</summary>
    public JsonNode? Result { get; }

    public bool HasResult { get; }

    public OptionalPath ResultPath { get; }
}

/// <summary>The fields shared by the states that do work: Task, Parallel and Map.</summary>
public abstract class WorkState : State
{
    private protected WorkState(string name, string pointer, StateType type, StateCommon common, WorkCommon work)
        : base(name, pointer, type, common)
    {
        Parameters = work.Parameters;
        ResultSelector = work.ResultSelector;
        ResultPath = work.ResultPath;
        Retry = work.Retry;
        Catch = work.Catch;
    }

    /// <summary>Parameters (JSONPath) or Arguments (JSONata).</summary>
    public Template? Parameters { get; }

    public Template? ResultSelector { get; }

    public OptionalPath ResultPath { get; }

    public IReadOnlyList<Retrier> Retry { get; }

    public IReadOnlyList<Catcher> Catch { get; }

    public override IEnumerable<string> Transitions
    {
        get
        {
            foreach (var next in base.Transitions)
            {
                yield return next;
            }

            foreach (var catcher in Catch)
            {
                yield return catcher.Next;
            }
        }
    }
}

internal sealed record WorkCommon(Template? Parameters, Template? ResultSelector, OptionalPath ResultPath, IReadOnlyList<Retrier> Retry, IReadOnlyList<Catcher> Catch);

/// <summary>
/// A number that is a literal, or read from a path at run time (TimeoutSeconds/TimeoutSecondsPath and the like), or
/// (JSONata) computed by an expression at run time.
/// </summary>
public readonly record struct DynamicNumber(double? Value, JsonPath? Path, Template? Expression = null)
{
    public bool IsSet => Value is not null || Path is not null || Expression is not null;
}

/// <summary>Task: invokes a resource through the execution port.</summary>
public sealed class TaskState : WorkState
{
    internal TaskState(string name, string pointer, StateCommon common, WorkCommon work, string resource, DynamicNumber timeoutSeconds, DynamicNumber heartbeatSeconds, Template? credentials)
        : base(name, pointer, StateType.Task, common, work)
    {
        Resource = resource;
        TimeoutSeconds = timeoutSeconds;
        HeartbeatSeconds = heartbeatSeconds;
        Credentials = credentials;
    }

    public string Resource { get; }

    public DynamicNumber TimeoutSeconds { get; }

    public DynamicNumber HeartbeatSeconds { get; }

    /// <summary>The Credentials block (RoleArn or RoleArn.$), a payload template evaluated when the task runs.</summary>
    public Template? Credentials { get; }
}

/// <summary>Choice: picks the next state by the first matching rule, else Default.</summary>
public sealed class ChoiceState : State
{
    internal ChoiceState(string name, string pointer, StateCommon common, IReadOnlyList<ChoiceBranch> choices, string? defaultNext)
        : base(name, pointer, StateType.Choice, common)
    {
        Choices = choices;
        Default = defaultNext;
    }

    public IReadOnlyList<ChoiceBranch> Choices { get; }

    public string? Default { get; }

    public override IEnumerable<string> Transitions
    {
        get
        {
            foreach (var choice in Choices)
            {
                yield return choice.Next;
            }

            if (Default is not null)
            {
                yield return Default;
            }
        }
    }
}

/// <summary>Wait: waits a number of seconds or until a timestamp.</summary>
public sealed class WaitState : State
{
    internal WaitState(string name, string pointer, StateCommon common, double? seconds, DateTimeOffset? timestamp, JsonPath? secondsPath, JsonPath? timestampPath, Template? secondsExpression = null, Template? timestampExpression = null)
        : base(name, pointer, StateType.Wait, common)
    {
        Seconds = seconds;
        Timestamp = timestamp;
        SecondsPath = secondsPath;
        TimestampPath = timestampPath;
        SecondsExpression = secondsExpression;
        TimestampExpression = timestampExpression;
    }

    /// <summary>JSONata: Seconds given as an expression.</summary>
    public Template? SecondsExpression { get; }

    /// <summary>JSONata: Timestamp given as an expression.</summary>
    public Template? TimestampExpression { get; }

    public double? Seconds { get; }

    public DateTimeOffset? Timestamp { get; }

    public JsonPath? SecondsPath { get; }

    public JsonPath? TimestampPath { get; }
}

/// <summary>Succeed: ends the machine (or branch) successfully.</summary>
public sealed class SucceedState : State
{
    internal SucceedState(string name, string pointer, StateCommon common)
        : base(name, pointer, StateType.Succeed, common)
    {
    }
}

/// <summary>Fail: ends the machine (or branch) with an error and a cause.</summary>
public sealed class FailState : State
{
    internal FailState(string name, string pointer, StateCommon common, string? error, string? cause, ValueExpression? errorPath, ValueExpression? causePath, Template? errorExpression = null, Template? causeExpression = null)
        : base(name, pointer, StateType.Fail, common)
    {
        Error = error;
        Cause = cause;
        ErrorPath = errorPath;
        CausePath = causePath;
        ErrorExpression = errorExpression;
        CauseExpression = causeExpression;
    }

    /// <summary>JSONata: Error given as an expression.</summary>
    public Template? ErrorExpression { get; }

    /// <summary>JSONata: Cause given as an expression.</summary>
    public Template? CauseExpression { get; }

    public string? Error { get; }

    public string? Cause { get; }

    /// <summary>A reference path or an intrinsic function.</summary>
    public ValueExpression? ErrorPath { get; }

    public ValueExpression? CausePath { get; }
}

/// <summary>Parallel: runs every branch on the same input; the output is the array of branch outputs.</summary>
public sealed class ParallelState : WorkState
{
    internal ParallelState(string name, string pointer, StateCommon common, WorkCommon work, IReadOnlyList<StateMachine> branches)
        : base(name, pointer, StateType.Parallel, common, work)
    {
        Branches = branches;
    }

    public IReadOnlyList<StateMachine> Branches { get; }

    public override IReadOnlyList<StateMachine> Children => Branches;
}

/// <summary>Map: runs the item processor once per item.</summary>
public sealed class MapState : WorkState
{
    internal MapState(string name, string pointer, StateCommon common, WorkCommon work, MapSettings settings)
        : base(name, pointer, StateType.Map, common, work)
    {
        Processor = settings.Processor;
        Mode = settings.Mode;
        ItemsPath = settings.ItemsPath;
        Items = settings.Items;
        ItemSelector = settings.ItemSelector;
        MaxConcurrency = settings.MaxConcurrency;
        ToleratedFailurePercentage = settings.ToleratedFailurePercentage;
        ToleratedFailureCount = settings.ToleratedFailureCount;
        Label = settings.Label;
    }

    public StateMachine Processor { get; }

    /// <summary>INLINE or DISTRIBUTED.</summary>
    public string Mode { get; }

    public OptionalPath ItemsPath { get; }

    /// <summary>JSONata only: the Items expression or array.</summary>
    public Template? Items { get; }

    /// <summary>ItemSelector, or the legacy Parameters of a Map.</summary>
    public Template? ItemSelector { get; }

    public DynamicNumber MaxConcurrency { get; }

    public DynamicNumber ToleratedFailurePercentage { get; }

    public DynamicNumber ToleratedFailureCount { get; }

    public string? Label { get; }

    public override IReadOnlyList<StateMachine> Children => [Processor];
}

internal sealed record MapSettings(
    StateMachine Processor,
    string Mode,
    OptionalPath ItemsPath,
    Template? Items,
    Template? ItemSelector,
    DynamicNumber MaxConcurrency,
    DynamicNumber ToleratedFailurePercentage,
    DynamicNumber ToleratedFailureCount,
    string? Label);
