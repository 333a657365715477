using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Parsing;
using Hybrid.Durable.Executions;

namespace Hybrid.Api.Tests.Fakes;

/// <summary>
/// An in-memory execution service and workflow registry that behaves like the real one (names are idempotent for the
/// same input, a different input is a conflict, unknown ids are null or typed exceptions) and is strict: a test lists the
/// operations it expects, and any other operation is recorded as unexpected (and throws, which the API answers with 500).
/// </summary>
public sealed class FakeExecutionService : IExecutionService, IWorkflowRegistry
{
    public const string InvalidToken = "not-a-token";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, WorkflowDefinition> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeExecution> _executions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taskTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expected = new(StringComparer.Ordinal);
    private readonly List<string> _unexpected = [];
    private readonly List<FakeCall> _calls = [];
    private int _sequence;

    public static DateTimeOffset Epoch { get; } = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>When set, the next operation throws it (to test the 500 path).</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<FakeCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<string> Unexpected
    {
        get
        {
            lock (_lock)
            {
                return [.. _unexpected];
            }
        }
    }

    /// <summary>Forgets every execution, token, expectation and call; keeps the workflows.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _executions.Clear();
            _taskTokens.Clear();
            _expected.Clear();
            _unexpected.Clear();
            _calls.Clear();
            _sequence = 0;
            Failure = null;
        }
    }

    /// <summary>Allows these operations (names of <see cref="IExecutionService"/> methods).</summary>
    public void Expect(params string[] operations)
    {
        lock (_lock)
        {
            _expected.UnionWith(operations);
        }
    }

    public void AddWorkflow(string name, string definition)
    {
        var parsed = DefinitionParser.Parse(definition);
        if (parsed.StateMachine is null)
        {
            throw new ArgumentException($"The test definition '{name}' is invalid: {string.Join("; ", parsed.Errors)}", nameof(definition));
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(definition)));
        lock (_lock)
        {
            _workflows[name] = new WorkflowDefinition(name, definition, parsed.StateMachine, hash, $"/workflows/{name}.asl.json");
        }
    }

    public void AddExecution(ExecutionDescription description, IReadOnlyList<HistoryEvent>? history = null)
    {
        lock (_lock)
        {
            _executions[description.ExecutionId] = new FakeExecution(description, history ?? []);
        }
    }

    public void AddTaskToken(string token)
    {
        lock (_lock)
        {
            _taskTokens.Add(token);
        }
    }

    public ExecutionDescription? Execution(string executionId)
    {
        lock (_lock)
        {
            return _executions.TryGetValue(executionId, out var e) ? e.Description : null;
        }
    }

    public IReadOnlyList<WorkflowDefinition> List()
    {
        lock (_lock)
        {
            return [.. _workflows.Values];
        }
    }

    public WorkflowDefinition? Find(string name)
    {
        lock (_lock)
        {
            return _workflows.GetValueOrDefault(name);
        }
    }

    public Task<StartedExecution> StartAsync(string workflow, JsonNode? input, string? name = null, Caller? caller = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(StartAsync), workflow, name, input, caller);
            if (!_workflows.ContainsKey(workflow))
            {
                throw new WorkflowNotFoundException(workflow);
            }

            name ??= $"generated-{++_sequence}";
            var id = $"{workflow}:{name}";
            if (_executions.TryGetValue(id, out var existing))
            {
                if (existing.Description.Status == ExecutionStatus.Running && AslJson.DeepEquals(existing.Description.Input, input))
                {
                    return Task.FromResult(new StartedExecution(id, name, existing.Description.StartDate, Created: false));
                }

                throw new ExecutionAlreadyExistsException(name);
            }

            var start = Epoch.AddMinutes(_executions.Count);
            var description = new ExecutionDescription(id, name, workflow, ExecutionStatus.Running, start, null, input?.DeepClone(), null, null, null, null, caller?.Subject);
            _executions[id] = new FakeExecution(description, [new HistoryEvent(1, 0, start, "ExecutionStarted", new JsonObject { ["executionStartedEventDetails"] = new JsonObject { ["input"] = AslJson.ToJsonString(input) } })]);
            return Task.FromResult(new StartedExecution(id, name, start, Created: true));
        }
    }

    public Task<ExecutionDescription?> DescribeAsync(string executionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(DescribeAsync), executionId);
            return Task.FromResult(_executions.TryGetValue(executionId, out var e) ? e.Description : null);
        }
    }

    public Task<IReadOnlyList<HistoryEvent>?> GetHistoryAsync(string executionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(GetHistoryAsync), executionId);
            return Task.FromResult(_executions.TryGetValue(executionId, out var e) ? e.History : null);
        }
    }

    public Task StopAsync(string executionId, string? error = null, string? cause = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(StopAsync), executionId, error, cause);
            if (!_executions.TryGetValue(executionId, out var e))
            {
                throw new ExecutionNotFoundException(executionId);
            }

            if (e.Description.Status == ExecutionStatus.Running)
            {
                _executions[executionId] = e with
                {
                    Description = e.Description with { Status = ExecutionStatus.Aborted, StopDate = e.Description.StartDate.AddSeconds(30), Error = error, Cause = cause },
                };
            }

            return Task.CompletedTask;
        }
    }

    public Task<ExecutionPage> ListAsync(ExecutionFilter filter, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(ListAsync), filter.Workflow, filter.Status, filter.PageSize, filter.ContinuationToken);
            var skip = 0;
            if (filter.ContinuationToken is { } token && (!token.StartsWith("page:", StringComparison.Ordinal) || !int.TryParse(token[5..], out skip)))
            {
                throw new InvalidExecutionRequestException("InvalidToken", $"The continuation token '{token}' is not one this service gave out.");
            }

            var matching = _executions.Values.Select(e => e.Description)
                .Where(d => (filter.Workflow is null || d.Workflow == filter.Workflow) && (filter.Status is null || d.Status == filter.Status))
                .OrderByDescending(d => d.StartDate)
                .ToList();
            var page = matching.Skip(skip).Take(filter.PageSize).ToList();
            var next = skip + page.Count < matching.Count ? $"page:{skip + page.Count}" : null;
            return Task.FromResult(new ExecutionPage(page, next));
        }
    }

    public Task SendTaskSuccessAsync(string taskToken, JsonNode? output, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(SendTaskSuccessAsync), taskToken, output);
            return CompleteTask(taskToken);
        }
    }

    public Task SendTaskFailureAsync(string taskToken, string? error, string? cause, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(SendTaskFailureAsync), taskToken, error, cause);
            return CompleteTask(taskToken);
        }
    }

    public Task SendTaskHeartbeatAsync(string taskToken, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(SendTaskHeartbeatAsync), taskToken);
            CheckToken(taskToken);
            return Task.CompletedTask;
        }
    }

    public Task SubmitTokenAsync(string executionId, Caller caller, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record(nameof(SubmitTokenAsync), executionId, caller);
            return Task.CompletedTask;
        }
    }

    private Task CompleteTask(string taskToken)
    {
        CheckToken(taskToken);
        _taskTokens.Remove(taskToken);
        return Task.CompletedTask;
    }

    private void CheckToken(string taskToken)
    {
        if (taskToken == InvalidToken)
        {
            throw new TaskTokenException("InvalidToken", "The task token is not a token this service issued.");
        }

        if (!_taskTokens.Contains(taskToken))
        {
            throw new TaskTokenException("TaskDoesNotExist", "No task is waiting for that token.");
        }
    }

    private void Record(string operation, params object?[] arguments)
    {
        _calls.Add(new FakeCall(operation, arguments));
        if (!_expected.Contains(operation))
        {
            _unexpected.Add($"{operation}({string.Join(", ", arguments)})");
            throw new InvalidOperationException($"Unexpected call to {operation}.");
        }

        if (Failure is { } failure)
        {
            Failure = null;
            throw failure;
        }
    }

    private sealed record FakeExecution(ExecutionDescription Description, IReadOnlyList<HistoryEvent> History);
}

/// <summary>One call the fake received.</summary>
public sealed record FakeCall(string Operation, IReadOnlyList<object?> Arguments);
