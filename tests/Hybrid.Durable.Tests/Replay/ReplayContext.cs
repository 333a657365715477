using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Durable.Tests.Replay;

/// <summary>One durable step an orchestration took: what it asked for, with which input, and what came back.</summary>
public sealed record RecordedStep(string Kind, string Name, JsonNode? Input, JsonNode? Result);

/// <summary>
/// An orchestration context that either records every durable step of a run (answering activities and
/// sub-orchestrations through the given callbacks, firing timers at once) or replays a recording: every step the
/// orchestrator takes must be the recorded one, with the same input (see <see cref="SameInput"/>), and gets the
/// recorded result. This is what a
/// Durable Task replay demands of an orchestrator; a difference means a replay would break in-flight executions.
/// </summary>
internal sealed class ReplayContext : TaskOrchestrationContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly object _input;
    private readonly List<RecordedStep>? _replay;
    private readonly Func<string, JsonNode?, Task<JsonNode?>>? _activity;
    private readonly Func<string, JsonNode?, string, Task<JsonNode?>>? _subOrchestration;
    private int _position;
    private int _guids;
    private DateTime _now;

    private ReplayContext(string instanceId, object input, DateTime start, List<RecordedStep>? replay, Func<string, JsonNode?, Task<JsonNode?>>? activity, Func<string, JsonNode?, string, Task<JsonNode?>>? subOrchestration)
    {
        InstanceId = instanceId;
        _input = input;
        _now = start;
        _replay = replay;
        _activity = activity;
        _subOrchestration = subOrchestration;
    }

    public List<RecordedStep> Steps { get; } = [];

    public object? ContinuedAsNewWith { get; private set; }

    public static ReplayContext Record(string instanceId, object input, DateTime start, Func<string, JsonNode?, Task<JsonNode?>> activity, Func<string, JsonNode?, string, Task<JsonNode?>> subOrchestration) =>
        new(instanceId, input, start, null, activity, subOrchestration);

    public static ReplayContext Replay(string instanceId, object input, DateTime start, List<RecordedStep> steps) =>
        new(instanceId, input, start, steps, null, null);

    public override TaskName Name => "Hybrid-Asl";

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => _now;

    /// <summary>Like the runtime: replaying until the last recorded step has answered; what follows it is new.</summary>
    public override bool IsReplaying => _replay is not null && _position < _replay.Count(s => s.Kind != "status");

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public override T GetInput<T>() => (T)_input;

    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var inputNode = JsonSerializer.SerializeToNode(input, Json);
        var result = await StepAsync("activity", name.Name, inputNode, () => _activity!(name.Name, inputNode));
        return result.Deserialize<TResult>(Json)!;
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        var inputNode = JsonSerializer.SerializeToNode(input, Json);
        var instanceId = (options as SubOrchestrationOptions)?.InstanceId ?? "?";
        var result = await StepAsync("sub-orchestration", $"{orchestratorName.Name} {instanceId}", inputNode, () => _subOrchestration!(orchestratorName.Name, inputNode, instanceId));
        return result.Deserialize<TResult>(Json)!;
    }

    public override async Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        await StepAsync("timer", fireAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), null, () => Task.FromResult<JsonNode?>(null));
        if (fireAt > _now)
        {
            _now = fireAt;
        }
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The replayed workflows wait for no external events.");

    public override void SendEvent(string instanceId, string eventName, object payload) =>
        throw new NotSupportedException("Hybrid's orchestrator sends no events.");

    public override void SetCustomStatus(object? customStatus) => Steps.Add(new RecordedStep("status", "", JsonSerializer.SerializeToNode(customStatus, Json), null));

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => ContinuedAsNewWith = newInput;

    /// <summary>Like the SDK: a name-based id from the instance, the orchestration time and a counter, the same on every replay.</summary>
    public override Guid NewGuid()
    {
        var seed = $"{InstanceId}_{_now:O}_{_guids++}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    private async Task<JsonNode> StepAsync(string kind, string name, JsonNode? input, Func<Task<JsonNode?>> run)
    {
        if (_replay is null)
        {
            var result = await run();
            Steps.Add(new RecordedStep(kind, name, input?.DeepClone(), result?.DeepClone()));
            return result ?? JsonValue.Create((string?)null)!;
        }

        var recorded = _replay.Where(s => s.Kind != "status").ElementAtOrDefault(_position++)
            ?? throw new InvalidOperationException($"Non-deterministic: the orchestrator asked for a {kind} '{name}' the recorded history does not have (step {_position}).");
        if (recorded.Kind != kind || recorded.Name != name || !SameInput(kind, recorded.Input, input))
        {
            throw new InvalidOperationException(
                $"Non-deterministic at step {_position}: recorded {recorded.Kind} '{recorded.Name}' {recorded.Input?.ToJsonString()}, replayed {kind} '{name}' {input?.ToJsonString()}.");
        }

        Steps.Add(recorded);
        return recorded.Result?.DeepClone() ?? JsonValue.Create((string?)null)!;
    }

    /// <summary>
    /// Timers and sub-orchestrations are asked for with their whole input again. An activity's input is not rebuilt on
    /// replay (the runtime never sends it, nor compares it): a dispatch carries only its state's name, which must be
    /// the recorded request's, and a history batch only its scalars (its events were stored), each of which must match.
    /// A branch's copy of the execution's input is not compared either: the runtime never compares a sub-orchestration's
    /// input, and builds before 29 Nov 2026 gave every branch that copy, where later ones leave it out of branches that
    /// cannot read it; an execution started by one must replay on the other.
    /// </summary>
    private static bool SameInput(string kind, JsonNode? recorded, JsonNode? replayed) => (kind, recorded, replayed) switch
    {
        ("activity", JsonObject before, JsonValue stateName) => JsonNode.DeepEquals(before["stateName"], stateName),
        ("activity", JsonObject before, JsonObject after) => after.All(p => p.Value is not JsonValue value || JsonNode.DeepEquals(before[p.Key], value)),
        ("sub-orchestration", JsonObject before, JsonObject after) => JsonNode.DeepEquals(WithoutExecutionInput(before), WithoutExecutionInput(after)),
        _ => JsonNode.DeepEquals(recorded, replayed),
    };

    private static JsonNode WithoutExecutionInput(JsonObject input)
    {
        var copy = input.DeepClone();
        (copy["execution"] as JsonObject)?.Remove("input");
        return copy;
    }

    /// <summary>Replayed steps that the run never reached.</summary>
    public int Unreplayed => _replay is null ? 0 : _replay.Count(s => s.Kind != "status") - _position;
}
