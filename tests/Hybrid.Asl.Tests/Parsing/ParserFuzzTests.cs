using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;
using Hybrid.Testing;

namespace Hybrid.Asl.Tests.Parsing;

/// <summary>
/// Random and malformed definitions must never crash the parser, the validator or the interpreter: each gives
/// diagnostics or an ASL error. Seeded, so a failure names a reproducible case.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Seeds = [.. AslCorpus.Names().Select(n => (string)n[0]).Take(120)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task MutatedCorpusDefinitions_NeverThrow(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 400; i++)
        {
            var fixture = AslCorpus.Load(Seeds[random.Next(Seeds.Length)]);
            var definition = fixture.Definition.DeepClone();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                definition = Mutate(definition, random);
            }

            var text = definition?.ToJsonString() ?? "null";
            var result = DefinitionParser.Parse(text);
            Assert.True(result.IsValid || result.Errors.Any(), $"seed {seed}, case {i}: invalid without an error diagnostic: {text}");
            if (result.IsValid)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var run = await new DirectRunner(new TaskHandlerRegistry().Register("*", x => x))
                    .RunAsync(result.StateMachine!, fixture.Input, new DirectRunOptions { WaitMode = WaitMode.Skip, Entropy = new SeededEntropy(7) }, cancellationToken: cts.Token);
                Assert.Contains(run.Status, new[] { "SUCCEEDED", "FAILED", "TIMED_OUT" });
                if (run.Status != "SUCCEEDED")
                {
                    Assert.False(string.IsNullOrEmpty(run.Error), $"seed {seed}, case {i}: failed without an error name: {text}");
                }
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void RandomText_NeverThrows(int seed)
    {
        var random = new Random(seed);
        const string alphabet = "{}[]\":,.$ States\\nulltruefalse0123456789-eE+ParssTypeEndNextStartAt";
        for (var i = 0; i < 2000; i++)
        {
            var builder = new StringBuilder();
            for (var n = random.Next(0, 80); n > 0; n--)
            {
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var result = DefinitionParser.Parse(builder.ToString());
            Assert.True(result.IsValid || result.Errors.Any(), $"seed {seed}, case {i}: invalid without an error diagnostic");
        }
    }

    private static JsonNode? Mutate(JsonNode? node, Random random)
    {
        var containers = new List<JsonNode>();
        Collect(node, containers);
        if (containers.Count == 0)
        {
            return RandomValue(random);
        }

        var target = containers[random.Next(containers.Count)];
        switch (target)
        {
            case JsonObject obj when obj.Count > 0:
                var key = obj.ElementAt(random.Next(obj.Count)).Key;
                switch (random.Next(3))
                {
                    case 0:
                        obj.Remove(key);
                        break;
                    case 1:
                        obj[key] = RandomValue(random);
                        break;
                    default:
                        obj[FieldNames[random.Next(FieldNames.Length)]] = RandomValue(random);
                        break;
                }

                break;
            case JsonArray array when array.Count > 0:
                array[random.Next(array.Count)] = RandomValue(random);
                break;
            case JsonArray array:
                array.Add(RandomValue(random));
                break;
        }

        return node;
    }

    private static readonly string[] FieldNames =
    [
        "Type", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch",
        "Choices", "Default", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Branches", "ItemsPath", "ItemProcessor",
        "MaxConcurrency", "ToleratedFailureCount", "Error", "Cause", "ErrorPath", "CausePath", "Assign", "Result", "Resource",
    ];

    private static JsonNode? RandomValue(Random random) => random.Next(12) switch
    {
        0 => null,
        1 => random.Next(-5, 5),
        2 => 1.5,
        3 => "$.x",
        4 => "$$.Execution.Id",
        5 => "States.Format('{}', $.a)",
        6 => new JsonObject { ["x.$"] = "$.nope" },
        7 => new JsonArray("States.ALL"),
        8 => true,
        9 => "Pass",
        10 => new JsonArray(),
        _ => "arn:aws:lambda:us-east-1:1:function:f",
    };

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        switch (node)
        {
            case JsonObject obj:
                into.Add(obj);
                foreach (var (_, value) in obj)
                {
                    Collect(value, into);
                }

                break;
            case JsonArray array:
                into.Add(array);
                foreach (var item in array)
                {
                    Collect(item, into);
                }

                break;
        }
    }
}
