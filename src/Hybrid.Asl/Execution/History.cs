using System.Text.Json.Nodes;
using Hybrid.Asl.Model;

namespace Hybrid.Asl.Execution;

/// <summary>
/// One event of an execution's history, with Step Functions' event type names (ExecutionStarted, PassStateEntered,
/// TaskScheduled, TaskFailed, ...) and details shaped like GetExecutionHistory's.
/// </summary>
public sealed record HistoryEvent(long Id, long PreviousEventId, DateTimeOffset Timestamp, string Type, JsonObject? Details);

/// <summary>Receives history events as the interpreter produces them.</summary>
public interface IHistorySink
{
    /// <summary>
    /// Whether the sink keeps the payloads of the events it is given next. The durable runner answers false while it
    /// replays events it stored before; the interpreter then builds no details (a StateEntered event keeps the state's
    /// name, which the runner reports as the execution's current state), but still calls <see cref="Add"/> for every
    /// event, so numbering stays the same.
    /// </summary>
    bool WantsPayloads => true;

    void Add(DateTimeOffset timestamp, string type, JsonObject? details);
}

/// <summary>An in-memory, thread-safe history that numbers events from 1 and links each to the one before.</summary>
public sealed class ExecutionHistory : IHistorySink
{
    private readonly List<HistoryEvent> _events = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<HistoryEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public void Add(DateTimeOffset timestamp, string type, JsonObject? details)
    {
        lock (_lock)
        {
            var id = _events.Count + 1;
            _events.Add(new HistoryEvent(id, id - 1, timestamp, type, details));
        }
    }
}

/// <summary>The event type names and detail shapes, in one place.</summary>
internal static class HistoryEvents
{
    public static string Entered(StateType type) => type + "StateEntered";

    public static string Exited(StateType type) => type + "StateExited";

    public static JsonObject StateEntered(string name, JsonNode? input) =>
        new() { ["stateEnteredEventDetails"] = new JsonObject { ["name"] = name, ["input"] = Payload(input) } };

    public static JsonObject StateExited(string name, JsonNode? output) =>
        new() { ["stateExitedEventDetails"] = new JsonObject { ["name"] = name, ["output"] = Payload(output) } };

    public static JsonObject Failure(string detailsName, string? error, string? cause) =>
        new() { [detailsName] = new JsonObject { ["error"] = error, ["cause"] = cause } };

    public static JsonObject Output(string detailsName, JsonNode? output) =>
        new() { [detailsName] = new JsonObject { ["output"] = Payload(output) } };

    /// <summary>Payloads are stored as JSON text, as Step Functions does.</summary>
    public static string Payload(JsonNode? node) => Json.AslJson.ToJsonString(node);
}
