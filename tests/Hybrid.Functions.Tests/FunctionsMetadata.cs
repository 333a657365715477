using System.Text.Json.Nodes;

namespace Hybrid.Functions.Tests;

/// <summary>One function of the generated <c>functions.metadata</c>.</summary>
public sealed record FunctionEntry(string Name, string EntryPoint, JsonObject Trigger, IReadOnlyList<JsonObject> Bindings)
{
    public string TriggerType => (string)Trigger["type"]!;

    public string? Route => (string?)Trigger["route"];

    public IReadOnlyList<string> Methods => Trigger["methods"] is JsonArray methods ? [.. methods.Select(m => ((string)m!).ToUpperInvariant())] : [];
}

/// <summary>Reads the <c>functions.metadata</c> the Functions SDK wrote when the app was built.</summary>
public static class FunctionsMetadata
{
    private static readonly Lazy<IReadOnlyList<FunctionEntry>> LazyAll = new(Load);

    public static IReadOnlyList<FunctionEntry> All => LazyAll.Value;

    public static FunctionEntry Get(string name) => All.SingleOrDefault(f => f.Name == name)
        ?? throw new InvalidOperationException($"functions.metadata has no function '{name}'; it has {string.Join(", ", All.Select(f => f.Name))}.");

    private static List<FunctionEntry> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        var functions = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        return
        [
            .. functions.Select(f =>
            {
                var bindings = f!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
                var trigger = bindings.Single(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));
                return new FunctionEntry((string)f["name"]!, (string)f["entryPoint"]!, trigger, bindings);
            }),
        ];
    }
}
