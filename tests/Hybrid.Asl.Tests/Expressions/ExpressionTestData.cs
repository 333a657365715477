using System.Text.Json.Nodes;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Tests.Expressions;

/// <summary>Shared inputs and contexts for the expression tests.</summary>
internal static class ExpressionTestData
{
    public const string Store = """
        {
          "store": {
            "book": [
              { "category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95 },
              { "category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99 },
              { "category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99 },
              { "category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99 }
            ],
            "bicycle": { "color": "red", "price": 19.95 }
          },
          "expensive": 10
        }
        """;

    public static ExpressionContext Context(string input, string? context = null, IReadOnlyDictionary<string, JsonNode?>? variables = null, IEntropy? entropy = null) =>
        new(AslJson.Parse(input), context is null ? null : AslJson.Parse(context), variables, entropy);

    public static JsonNode? Select(string path, string input, string? context = null, IReadOnlyDictionary<string, JsonNode?>? variables = null)
    {
        var parsed = JsonPath.Parse(path);
        Assert.True(parsed.TryEvaluate(Context(input, context, variables), out var value), $"'{path}' was not found");
        return value;
    }

    public static void AssertJson(string expected, JsonNode? actual) =>
        Assert.Equal(AslJson.ToJsonString(AslJson.Parse(expected)), AslJson.ToJsonString(actual));
}

/// <summary>Deterministic entropy for tests.</summary>
internal sealed class FixedEntropy(Guid guid, long offset = 0) : IEntropy
{
    public List<(long Min, long Max)> Calls { get; } = [];

    public Guid NewGuid() => guid;

    public long NextInt64(long minInclusive, long maxExclusive)
    {
        Calls.Add((minInclusive, maxExclusive));
        return Math.Min(minInclusive + offset, maxExclusive - 1);
    }
}
