using System.Text.Json.Nodes;
using Hybrid.Asl.Json;
using Hybrid.Durable.Executions;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// Large Maps complete without any one Durable history growing past a bound: iterations fan out in chunk
/// orchestrations, so no orchestration has more children than the chunk size.
/// </summary>
public sealed class LargeMapTests(ITestOutputHelper output)
{
    private const string MapDefinition = """
        {"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":0,
          "ItemSelector":{"n.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
          "ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($.n, $.n)","i.$":"$.i"},"End":true}}},
          "ResultSelector":{"count.$":"States.ArrayLength($)","last.$":"$[-1:]"},
          "End":true}}}
        """;

    [Fact]
    public async Task Map10000Items_InMemory_CompletesWithBoundedChildrenPerOrchestration()
    {
        await RunAsync(new DurableBackendOptions(), 10_000, TimeSpan.FromMinutes(8));
    }

    internal async Task RunAsync(DurableBackendOptions backend, int count, TimeSpan timeout)
    {
        var registry = FolderWorkflowRegistry.FromSources([("bigmap", "test", MapDefinition)]);
        await using var host = await DurableHost.StartAsync(registry, backend: backend);
        var items = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            items.Add(i);
        }

        var started = await host.Executions.StartAsync("bigmap", new JsonObject { ["items"] = items }, "big");
        var description = await host.WaitAsync(started.ExecutionId, timeout);

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal(count, description.Output!["count"]!.GetValue<int>());
        Assert.True(AslJson.DeepEquals(JsonNode.Parse($$"""[{"v":{{2 * (count - 1)}},"i":{{count - 1}}}]"""), description.Output["last"]));

        var sizes = await MeasureAsync(host.Client, started.ExecutionId);
        output.WriteLine($"{count} items: {sizes.Instances} orchestrations, at most {sizes.MaxChildren} children per orchestration, largest input+output {sizes.MaxPayloadBytes} bytes (of a chunk or an iteration: {sizes.MaxChildPayloadBytes})");
        Assert.Equal(count + ((count + 99) / 100) + 1, sizes.Instances);
        Assert.True(sizes.MaxChildren <= 100, $"an orchestration had {sizes.MaxChildren} children");

        // A chunk holds at most 100 items (about 19 KB here with their results) and an iteration one. Neither carries the
        // execution's input, which nothing in this item processor can read: with 10,000 items that copy alone was 49 KB.
        Assert.True(sizes.MaxChildPayloadBytes < 40_000, $"a chunk or an iteration had {sizes.MaxChildPayloadBytes} bytes of input and output");
    }

    /// <summary>Counts the instances of an execution and the largest number of children any one of them started.</summary>
    internal static async Task<(int Instances, int MaxChildren, long MaxPayloadBytes, long MaxChildPayloadBytes)> MeasureAsync(DurableTaskClient client, string executionId)
    {
        var children = new Dictionary<string, int>(StringComparer.Ordinal);
        var instances = 0;
        long maxPayload = 0;
        long maxChildPayload = 0;
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = executionId, FetchInputsAndOutputs = true, PageSize = 50 }))
        {
            instances++;
            var payload = (instance.SerializedInput?.Length ?? 0) + (instance.SerializedOutput?.Length ?? 0);
            maxPayload = Math.Max(maxPayload, payload);
            var parent = Parent(instance.InstanceId);
            if (parent is not null)
            {
                children[parent] = children.GetValueOrDefault(parent) + 1;
                maxChildPayload = Math.Max(maxChildPayload, payload);
            }
        }

        return (instances, children.Count == 0 ? 0 : children.Values.Max(), maxPayload, maxChildPayload);
    }

    /// <summary>Child ids are "{parent}~{generation}.{n}" (branches and chunks) or "{chunk}.{n}" (a chunk's iterations).</summary>
    private static string? Parent(string id)
    {
        var tilde = id.LastIndexOf('~');
        if (tilde < 0)
        {
            return null;
        }

        var dots = id.AsSpan(tilde + 1).Count('.');
        return dots >= 2 ? id[..id.LastIndexOf('.')] : id[..tilde];
    }
}
