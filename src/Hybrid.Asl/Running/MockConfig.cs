using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Running;

/// <summary>
/// Mocked Task responses in AWS Step Functions Local's MockConfigFile format:
/// <c>StateMachines → {name} → TestCases → {case} → {state name} → {mocked response name}</c>, and
/// <c>MockedResponses → {name} → {"0" | "1-2" ...} → {"Return": json} | {"Throw": {"Error", "Cause"}}</c>.
/// The keys are 0-based invocation indexes of that state within the execution (retries and Map iterations count);
/// an invocation past the last key gets the last response again.
/// </summary>
public sealed class MockConfig
{
    private readonly JsonObject _stateMachines;
    private readonly JsonObject _responses;

    private MockConfig(JsonObject stateMachines, JsonObject responses)
    {
        _stateMachines = stateMachines;
        _responses = responses;
    }

    public IEnumerable<string> StateMachineNames => _stateMachines.Select(p => p.Key);

    /// <summary>The test cases of one state machine, in file order.</summary>
    public IReadOnlyList<string> TestCaseNames(string stateMachineName) =>
        (_stateMachines[stateMachineName]?["TestCases"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];

    /// <summary>Parses a mock file; a malformed one raises <see cref="FormatException"/> saying what is wrong and where.</summary>
    public static MockConfig Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The mock file is not valid JSON: {e.Message}", e);
        }

        if (root is not JsonObject obj)
        {
            throw new FormatException("The mock file must be a JSON object with 'StateMachines' and 'MockedResponses'.");
        }

        var machines = obj["StateMachines"] as JsonObject ?? throw new FormatException("The mock file needs a 'StateMachines' object.");
        var responses = obj["MockedResponses"] as JsonObject ?? throw new FormatException("The mock file needs a 'MockedResponses' object.");
        foreach (var (name, response) in responses)
        {
            _ = ParseResponses(response, $"/MockedResponses/{name}");
        }

        return new MockConfig(machines, responses);
    }

    /// <summary>The state-name → responses table of one test case.</summary>
    public MockedTaskResponses TestCase(string stateMachineName, string testCase)
    {
        if (_stateMachines[stateMachineName] is not JsonObject machine)
        {
            throw new KeyNotFoundException($"The mock file has no state machine '{stateMachineName}'. It has: {string.Join(", ", StateMachineNames)}.");
        }

        if (machine["TestCases"] is not JsonObject cases || cases[testCase] is not JsonObject mapping)
        {
            var known = (machine["TestCases"] as JsonObject)?.Select(p => p.Key) ?? [];
            throw new KeyNotFoundException($"State machine '{stateMachineName}' has no test case '{testCase}'. It has: {string.Join(", ", known)}.");
        }

        var table = new Dictionary<string, IReadOnlyList<MockedResponse>>(StringComparer.Ordinal);
        foreach (var (stateName, responseName) in mapping)
        {
            if (!AslJson.TryGetString(responseName, out var name) || _responses[name] is not { } response)
            {
                throw new FormatException($"Test case '{testCase}' maps state '{stateName}' to '{responseName?.ToJsonString()}', which is not in MockedResponses.");
            }

            table[stateName] = ParseResponses(response, $"/MockedResponses/{name}");
        }

        return new MockedTaskResponses(table);
    }

    /// <summary>Parses one MockedResponses entry (the <c>{"0": ..., "1-2": ...}</c> object) into a list indexed by invocation.</summary>
    public static IReadOnlyList<MockedResponse> ParseResponses(JsonNode? node, string pointer)
    {
        if (node is not JsonObject obj || obj.Count == 0)
        {
            throw new FormatException($"{pointer} must be an object of invocation indexes such as {{\"0\": {{\"Return\": ...}}}}.");
        }

        var list = new SortedDictionary<int, MockedResponse>();
        foreach (var (key, value) in obj)
        {
            var (from, to) = ParseRange(key, pointer);
            var response = ParseResponse(value, $"{pointer}/{key}");
            for (var i = from; i <= to; i++)
            {
                if (!list.TryAdd(i, response))
                {
                    throw new FormatException($"{pointer}: invocation {i} is given more than once.");
                }
            }
        }

        var expected = 0;
        foreach (var index in list.Keys)
        {
            if (index != expected++)
            {
                throw new FormatException($"{pointer}: invocation indexes must run 0, 1, 2, ... without gaps; {expected - 1} is missing.");
            }
        }

        return [.. list.Values];
    }

    private static (int From, int To) ParseRange(string key, string pointer)
    {
        var parts = key.Split('-');
        if (parts.Length <= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            && to >= from && to - from < 10_000)
        {
            return (from, to);
        }

        throw new FormatException($"{pointer}: '{key}' is not an invocation index or range such as \"0\" or \"1-2\".");
    }

    private static MockedResponse ParseResponse(JsonNode? node, string pointer)
    {
        if (node is JsonObject obj && obj.Count == 1)
        {
            if (obj.TryGetPropertyValue("Return", out var value))
            {
                return new MockedResponse(value?.DeepClone(), null);
            }

            if (obj["Throw"] is JsonObject thrown && AslJson.TryGetString(thrown["Error"], out var error))
            {
                AslJson.TryGetString(thrown["Cause"], out var cause);
                return new MockedResponse(null, new AslError(error, cause));
            }
        }

        throw new FormatException($"{pointer} must be {{\"Return\": <json>}} or {{\"Throw\": {{\"Error\": \"...\", \"Cause\": \"...\"}}}}.");
    }
}

/// <summary>One mocked answer: a result, or an error to raise.</summary>
public sealed record MockedResponse(JsonNode? Return, AslError? Throw);

/// <summary>The mocked answers of one test case, by Task state name, with per-state invocation counters.</summary>
public sealed class MockedTaskResponses
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<MockedResponse>> _responses;
    private readonly Dictionary<string, int> _invocations = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public MockedTaskResponses(IReadOnlyDictionary<string, IReadOnlyList<MockedResponse>> responses)
    {
        _responses = responses;
    }

    public bool Handles(string stateName) => _responses.ContainsKey(stateName);

    /// <summary>Answers the next invocation of <paramref name="stateName"/>.</summary>
    public JsonNode? Answer(string stateName)
    {
        var list = _responses[stateName];
        int index;
        lock (_lock)
        {
            _invocations.TryGetValue(stateName, out index);
            _invocations[stateName] = index + 1;
        }

        var response = list[Math.Min(index, list.Count - 1)];
        return response.Throw is { } error ? throw new AslException(error.Error, error.Cause ?? "") : response.Return?.DeepClone();
    }
}
