using System.Text.Json.Nodes;
using Hybrid.Asl.Expressions;

namespace Hybrid.Asl.Model;

/// <summary>The eight state types of the Amazon States Language.</summary>
public enum StateType
{
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

/// <summary>
/// One state. The fields that a state type does not allow are always null here: the parser rejects them.
/// JSONPath fields are compiled at parse time; JSONata fields keep their JSON (templates of <c>{% %}</c> strings).
/// </summary>
public abstract class State
{
    private protected State(string name, string pointer, StateType type, StateCommon common)
    {
        Name = name;
        Pointer = pointer;
        Type = type;
        QueryLanguage = common.QueryLanguage;
        Comment = common.Comment;
        Next = common.Next;
        End = common.End;
        InputPath = common.InputPath;
        OutputPath = common.OutputPath;
        Assign = common.Assign;
        Output = common.Output;
    }

    public string Name { get; }

    /// <summary>JSON pointer of the state in the definition.</summary>
    public string Pointer { get; }

    public StateType Type { get; }

    public QueryLanguage QueryLanguage { get; }

    public string? Comment { get; }

    public string? Next { get; }

    public bool End { get; }

    public OptionalPath InputPath { get; }

    public OptionalPath OutputPath { get; }

    /// <summary>The Assign block: a payload template in JSONPath, a JSONata template in JSONata.</summary>
    public Template? Assign { get; }

    /// <summary>JSONata only: the state's output.</summary>
    public Template? Output { get; }

    /// <summary>Nested state machines (Parallel branches, Map item processor).</summary>
    public virtual IReadOnlyList<StateMachine> Children => [];

    /// <summary>Every state name this state can move to (Next, Choice targets, Default, Catch targets).</summary>
    public virtual IEnumerable<string> Transitions => Next is null ? [] : [Next];
}

/// <summary>Fields every state type shares, gathered by the parser.</summary>
internal sealed record StateCommon(
    QueryLanguage QueryLanguage,
    string? Comment,
    string? Next,
    bool End,
    OptionalPath InputPath,
    OptionalPath OutputPath,
    Template? Assign,
    Template? Output);

/// <summary>
/// A path field that may be absent (the default, <c>$</c>), explicitly null, or a path.
/// InputPath null means <c>{}</c>; ResultPath null means "discard the result"; OutputPath null means <c>{}</c>.
/// </summary>
public readonly record struct OptionalPath(OptionalPathKind Kind, JsonPath? Path)
{
    public static OptionalPath Default => new(OptionalPathKind.Default, null);

    public static OptionalPath Null => new(OptionalPathKind.Null, null);

    public static OptionalPath Of(JsonPath path) => new(OptionalPathKind.Path, path);
}

public enum OptionalPathKind
{
    Default,
    Null,
    Path,
}

/// <summary>
/// A template field compiled once: in a JSONPath state a payload template (Parameters, ResultSelector, ItemSelector,
/// Assign, Credentials) of <c>.$</c> keys; in a JSONata state a JSON value with <c>{% %}</c> expressions (Arguments,
/// Output, Assign, Items, ItemSelector, Credentials).
/// </summary>
public sealed class Template
{
    private readonly PayloadTemplate? _payload;
    private readonly JsonataTemplate? _jsonata;

    internal Template(JsonNode? source, PayloadTemplate compiled)
    {
        Source = source;
        _payload = compiled;
    }

    internal Template(JsonNode? source, JsonataTemplate compiled)
    {
        Source = source;
        _jsonata = compiled;
    }

    public JsonNode? Source { get; }

    public QueryLanguage QueryLanguage => _jsonata is null ? QueryLanguage.JsonPath : QueryLanguage.Jsonata;

    internal PayloadTemplate Compiled => _payload ?? throw new InvalidOperationException("This is a JSONata template.");

    internal JsonataTemplate Jsonata => _jsonata ?? throw new InvalidOperationException("This is a JSONPath payload template.");
}
