using System.Collections.Frozen;
using Hybrid.Asl.Model;

namespace Hybrid.Asl.Parsing;

/// <summary>Which fields each state type accepts, and which belong to only one query language.</summary>
internal static class FieldRules
{
    private static readonly string[] Common = ["Type", "Comment", "QueryLanguage"];
    private static readonly string[] Transition = ["Next", "End"];
    private static readonly string[] Io = ["InputPath", "OutputPath"];
    private static readonly string[] Work = ["Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Arguments", "Output", "Assign"];

    public static readonly FrozenDictionary<StateType, FrozenSet<string>> Allowed = new Dictionary<StateType, FrozenSet<string>>
    {
        [StateType.Pass] = Set(Common, Transition, Io, ["Parameters", "Result", "ResultPath", "Assign", "Output"]),
        [StateType.Task] = Set(Common, Transition, Io, Work, ["Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"]),
        [StateType.Choice] = Set(Common, Io, ["Choices", "Default", "Assign", "Output"]),
        [StateType.Wait] = Set(Common, Transition, Io, ["Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign", "Output"]),
        [StateType.Succeed] = Set(Common, Io, ["Output"]),
        [StateType.Fail] = Set(Common, ["Error", "ErrorPath", "Cause", "CausePath"]),
        [StateType.Parallel] = Set(Common, Transition, Io, Work, ["Branches"]),
        // A Map's items get their input from ItemSelector: it has no Arguments (the legacy Parameters is ItemSelector).
        [StateType.Map] = Set(Common, Transition, Io, [.. Work.Where(f => f != "Arguments")],
        [
            "ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath",
            "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath",
            "ItemReader", "ItemBatcher", "ResultWriter", "Label",
        ]),
    }.ToFrozenDictionary();

    /// <summary>Fields that exist only in JSONPath states.</summary>
    public static readonly FrozenSet<string> JsonPathOnly = FrozenSet.ToFrozenSet(
    [
        "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "ItemsPath", "SecondsPath", "TimestampPath",
        "TimeoutSecondsPath", "HeartbeatSecondsPath", "MaxConcurrencyPath", "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath", "ErrorPath", "CausePath", "Iterator", "Result",
    ]);

    /// <summary>Fields that exist only in JSONata states.</summary>
    public static readonly FrozenSet<string> JsonataOnly = FrozenSet.ToFrozenSet(["Arguments", "Output", "Items"]);

    /// <summary>The fields of a JSONata Choice rule.</summary>
    public static readonly FrozenSet<string> ConditionRuleFields = FrozenSet.ToFrozenSet(["Condition", "Next", "Assign", "Output", "Comment"]);

    public static readonly FrozenSet<string> TopLevel = FrozenSet.ToFrozenSet(["StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"]);

    public static readonly FrozenSet<string> Branch = FrozenSet.ToFrozenSet(["StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"]);

    public static readonly FrozenSet<string> RetrierFields = FrozenSet.ToFrozenSet(
        ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"]);

    public static readonly FrozenSet<string> CatcherFields = FrozenSet.ToFrozenSet(["ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"]);

    private static FrozenSet<string> Set(params string[][] groups) => groups.SelectMany(g => g).ToFrozenSet(StringComparer.Ordinal);
}
