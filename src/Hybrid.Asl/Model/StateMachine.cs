using System.Text.Json.Nodes;

namespace Hybrid.Asl.Model;

/// <summary>The query language of a state machine or a state.</summary>
public enum QueryLanguage
{
    JsonPath,
    Jsonata,
}

/// <summary>
/// A parsed, validated state machine: the top level of a definition, or a Parallel branch, or a Map's item processor.
/// Built only by <see cref="Parsing.DefinitionParser"/>; immutable.
/// </summary>
public sealed class StateMachine
{
    internal StateMachine(string pointer, string startAt, IReadOnlyDictionary<string, State> states, QueryLanguage queryLanguage, int? timeoutSeconds, string? comment, JsonObject source)
    {
        Pointer = pointer;
        StartAt = startAt;
        States = states;
        QueryLanguage = queryLanguage;
        TimeoutSeconds = timeoutSeconds;
        Comment = comment;
        Source = source;
    }

    /// <summary>Where this machine sits in the whole definition: "" for the top level, e.g. "/States/P/Branches/0" for a branch.</summary>
    public string Pointer { get; }

    public string StartAt { get; }

    public IReadOnlyDictionary<string, State> States { get; }

    public QueryLanguage QueryLanguage { get; }

    /// <summary>The execution timeout (top level only).</summary>
    public int? TimeoutSeconds { get; }

    public string? Comment { get; }

    /// <summary>The JSON this machine was parsed from.</summary>
    public JsonObject Source { get; }

    /// <summary>Finds a nested state machine (a branch or an item processor) by its pointer.</summary>
    public StateMachine? FindMachine(string pointer)
    {
        if (pointer == Pointer)
        {
            return this;
        }

        foreach (var state in States.Values)
        {
            foreach (var child in state.Children)
            {
                if (pointer.StartsWith(child.Pointer, StringComparison.Ordinal) && child.FindMachine(pointer) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }
}
