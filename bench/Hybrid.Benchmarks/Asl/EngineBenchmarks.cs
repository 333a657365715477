using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Model;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;

namespace Hybrid.Benchmarks.Asl;

/// <summary>
/// The direct runner's cost per state transition (issue: ≥ 1,000,000 Pass and ≥ 200,000 Choice-plus-Parameters
/// transitions per second on one core), a 1000-item inline Map, and the physical floor: copying the payload.
/// Each machine runs <see cref="Transitions"/> transitions, so per-transition cost = mean / Transitions.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    public const int Transitions = 1000;

    private static readonly JsonNode Payload = JsonNode.Parse("""{"orderId":"o-1001","customer":{"id":42,"tier":"gold"},"amount":125.5,"count":3}""")!;
    private static readonly DirectRunOptions Options = new() { WaitMode = WaitMode.Skip, Entropy = new SeededEntropy(1) };
    private static readonly ExecutionInfo Execution = ExecutionInfo.Local("Bench", "bench", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), Payload);

    private StateMachine _passChain = null!;
    private StateMachine _choiceChain = null!;
    private StateMachine _map = null!;
    private JsonArray _items = null!;
    private readonly DirectRunner _runner = new();

    [GlobalSetup]
    public void Setup()
    {
        _passChain = Parse(Chain(Transitions, i => new JsonObject { ["Type"] = "Pass" }));
        _choiceChain = Parse(Chain(Transitions, i => i % 2 == 0
            ? new JsonObject
            {
                ["Type"] = "Choice",
                ["Choices"] = new JsonArray(new JsonObject { ["Variable"] = "$.amount", ["NumericGreaterThan"] = 100, ["Next"] = $"S{i + 1}" }),
                ["Default"] = $"S{i + 1}",
            }
            : new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { ["orderId.$"] = "$.orderId", ["customer.$"] = "$.customer", ["amount.$"] = "$.amount", ["count.$"] = "$.count" },
            }));
        _map = Parse(new JsonObject
        {
            ["StartAt"] = "M",
            ["States"] = new JsonObject
            {
                ["M"] = new JsonObject
                {
                    ["Type"] = "Map",
                    ["End"] = true,
                    ["ItemProcessor"] = new JsonObject { ["StartAt"] = "P", ["States"] = new JsonObject { ["P"] = new JsonObject { ["Type"] = "Pass", ["End"] = true } } },
                },
            },
        });
        _items = new JsonArray();
        for (var i = 0; i < 1000; i++)
        {
            _items.Add(Payload.DeepClone());
        }

        // A benchmark of a failing run measures nothing: check that each one succeeds first.
        foreach (var run in new[] { PassTransitions(), ChoicePlusParametersTransitions(), InlineMap1000Items() })
        {
            var result = run.GetAwaiter().GetResult();
            if (result.Status != "SUCCEEDED")
            {
                throw new InvalidOperationException($"Benchmark machine did not succeed: {result.Error}: {result.Cause}");
            }
        }
    }

    /// <summary>The floor: one copy of the small payload per transition.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Transitions)]
    public JsonNode? CopyPayloadFloor()
    {
        JsonNode? node = null;
        for (var i = 0; i < Transitions; i++)
        {
            node = Payload.DeepClone();
        }

        return node;
    }

    [Benchmark(OperationsPerInvoke = Transitions)]
    public Task<ExecutionResult> PassTransitions() => _runner.RunAsync(_passChain, Payload, Options, Execution);

    [Benchmark(OperationsPerInvoke = Transitions)]
    public Task<ExecutionResult> ChoicePlusParametersTransitions() => _runner.RunAsync(_choiceChain, Payload, Options, Execution);

    [Benchmark]
    public Task<ExecutionResult> InlineMap1000Items() => _runner.RunAsync(_map, _items, Options, Execution);

    private static StateMachine Parse(JsonObject definition)
    {
        var result = DefinitionParser.Parse(definition.ToJsonString());
        return result.StateMachine ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }

    private static JsonObject Chain(int count, Func<int, JsonObject> state)
    {
        var states = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            var node = state(i);
            if (i == count - 1)
            {
                if (node["Type"]!.GetValue<string>() == "Choice")
                {
                    node["Choices"]![0]!["Next"] = "End";
                    node["Default"] = "End";
                }
                else
                {
                    node["End"] = true;
                }
            }
            else if (node["Type"]!.GetValue<string>() != "Choice")
            {
                node["Next"] = $"S{i + 1}";
            }

            states[$"S{i}"] = node;
        }

        if (states[$"S{count - 1}"]!["Type"]!.GetValue<string>() == "Choice")
        {
            states["End"] = new JsonObject { ["Type"] = "Succeed" };
        }

        return new JsonObject { ["StartAt"] = "S0", ["States"] = states };
    }
}
