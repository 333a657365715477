using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Hybrid.Jsonata;

namespace Hybrid.Benchmarks.Jsonata;

/// <summary>
/// Evaluation of compiled JSONata expressions (expressions.json, over the reference suite's dataset5 in orders.json).
/// jsonata-bench.mjs times the same expressions with the reference implementation under node for the ratio.
///   dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*Jsonata*'
///   node bench/Hybrid.Benchmarks/Jsonata/jsonata-bench.mjs
/// </summary>
[MemoryDiagnoser]
public class JsonataBenchmarks
{
    private JsonataExpression _expression = null!;
    private JsonNode _input = null!;
    private JsonataDocument _document = null!;

    [ParamsSource(nameof(Names))]
    public string Name { get; set; } = "";

    public static IEnumerable<string> Names() => BenchData.Expressions.Keys;

    [GlobalSetup]
    public void Setup()
    {
        _expression = JsonataExpression.Compile(BenchData.Expressions[Name]);
        _input = BenchData.Orders();
        _document = JsonataDocument.From(_input);
    }

    /// <summary>JSON in, JSON out: converts the input document on every call, as a one-off caller would.</summary>
    [Benchmark(Baseline = true)]
    public JsonataValue Evaluate() => _expression.Evaluate(_input);

    /// <summary>Against a document converted once (JsonataDocument), as the node benchmark does with a parsed object.</summary>
    [Benchmark]
    public JsonataValue EvaluatePrepared() => _expression.Evaluate(_document);
}

/// <summary>Compilation cost of the same expressions.</summary>
[MemoryDiagnoser]
public class JsonataCompileBenchmarks
{
    [ParamsSource(nameof(Names))]
    public string Name { get; set; } = "";

    public static IEnumerable<string> Names() => ["Path", "ObjectCtor", "Transform", "FormatDate"];

    [Benchmark]
    public JsonataExpression Compile() => JsonataExpression.Compile(BenchData.Expressions[Name]);
}

internal static class BenchData
{
    private static readonly Lazy<string> Folder = new(FindFolder);
    private static readonly Lazy<Dictionary<string, string>> LazyExpressions = new(Load);

    public static Dictionary<string, string> Expressions => LazyExpressions.Value;

    public static JsonNode Orders() => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder.Value, "orders.json")))!;

    private static Dictionary<string, string> Load()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in JsonNode.Parse(File.ReadAllText(Path.Combine(Folder.Value, "expressions.json")))!.AsArray())
        {
            result[item!["name"]!.GetValue<string>()] = item["expr"]!.GetValue<string>();
        }

        return result;
    }

    private static string FindFolder()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "Hybrid.Benchmarks", "Jsonata");
                if (File.Exists(Path.Combine(candidate, "expressions.json")))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("bench/Hybrid.Benchmarks/Jsonata/expressions.json was not found above " + AppContext.BaseDirectory);
    }
}
