using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Running;

namespace Hybrid.Asl.Tests.Execution;

/// <summary>JSONata mode where the corpus cannot look: exact cause texts, determinism, and what is withdrawn.</summary>
public sealed class JsonataModeTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private static async Task<ExecutionResult> RunAsync(string states, string input = "{}", IEntropy? entropy = null)
    {
        var parsed = DefinitionParser.Parse("""{"QueryLanguage":"JSONata","StartAt":"A","States":{""" + states + "}}");
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        var options = new DirectRunOptions { WaitMode = WaitMode.Skip, Entropy = entropy ?? new SeededEntropy(1) };
        var inputNode = JsonNode.Parse(input);
        return await new DirectRunner().RunAsync(parsed.StateMachine!, inputNode, options, ExecutionInfo.Local("M", "e", Start, inputNode));
    }

    [Fact]
    public async Task Undefined_NestedInArguments_CauseNamesExpressionAndFieldPath()
    {
        var result = await RunAsync("""
            "A":{"Type":"Task","Resource":"arn:x","Arguments":{"Input":{"pushLocation":"{% $states.input.pushLocation %}"}},"End":true}
            """);

        Assert.Equal("FAILED", result.Status);
        Assert.Equal(ErrorNames.QueryEvaluationError, result.Error);
        Assert.Equal("The JSONata expression '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned nothing (undefined).", result.Cause);
    }

    [Fact]
    public async Task TypeError_CauseCarriesJsonataCodeAndMessage()
    {
        var result = await RunAsync("""
            "A":{"Type":"Pass","Output":"{% $states.input.s + 1 %}","End":true}
            """, """{"s":"x"}""");

        Assert.Equal(ErrorNames.QueryEvaluationError, result.Error);
        Assert.StartsWith("The JSONata expression '$states.input.s + 1' specified for the field 'Output' threw an error during evaluation: T2001: ", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Condition_NotBoolean_CauseNamesExpectedAndActualType()
    {
        var result = await RunAsync("""
            "A":{"Type":"Choice","Choices":[{"Condition":"{% 'yes' %}","Next":"B"}]},"B":{"Type":"Succeed"}
            """);

        Assert.Equal(ErrorNames.QueryEvaluationError, result.Error);
        Assert.Equal("The JSONata expression specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'string' for value: \"yes\"", result.Cause);
    }

    [Fact]
    public async Task Eval_IsWithdrawn()
    {
        var result = await RunAsync("""
            "A":{"Type":"Pass","Output":"{% $eval('1 + 1') %}","End":true}
            """);

        Assert.Equal(ErrorNames.QueryEvaluationError, result.Error);
        Assert.Contains("T1006", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_ReadsTheExecutionClock_NotTheMachineClock()
    {
        var result = await RunAsync("""
            "A":{"Type":"Wait","Seconds":90,"Next":"B"},
            "B":{"Type":"Pass","Output":{"now":"{% $now() %}","millis":"{% $millis() %}"},"End":true}
            """);

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.Equal("2025-03-04T05:07:37.000Z", result.Output!["now"]!.GetValue<string>());
        Assert.Equal(Start.AddSeconds(90).ToUnixTimeMilliseconds(), result.Output["millis"]!.GetValue<long>());
    }

    [Fact]
    public async Task UuidRandomAndShuffle_ComeFromThePortsEntropy_SoAReplayRepeatsThem()
    {
        const string States = """
            "A":{"Type":"Pass","Output":{"id":"{% $uuid() %}","r":"{% $random() %}","s":"{% $shuffle([1,2,3,4,5,6,7,8]) %}"},"End":true}
            """;
        var first = await RunAsync(States, entropy: new SeededEntropy(7));
        var replay = await RunAsync(States, entropy: new SeededEntropy(7));
        var other = await RunAsync(States, entropy: new SeededEntropy(8));

        Assert.True(AslJson.DeepEquals(first.Output, replay.Output), $"{first.Output} != {replay.Output}");
        Assert.False(AslJson.DeepEquals(first.Output, other.Output));
        Assert.Equal(new SeededEntropy(7).NewGuid().ToString("D"), first.Output!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Uuid_FromANameBasedSource_IsStillVersion4()
    {
        // The durable runner's ids come from the orchestration context, which makes name-based (version 5) UUIDs.
        var result = await RunAsync("""
            "A":{"Type":"Pass","Output":"{% $uuid() %}","End":true}
            """, entropy: new FixedEntropy(Guid.Parse("886313e1-3b8a-5372-9b90-0c9aee199e5d")));

        Assert.Equal("886313e1-3b8a-4372-9b90-0c9aee199e5d", result.Output!.GetValue<string>());
    }

    private sealed class FixedEntropy(Guid id) : IEntropy
    {
        public Guid NewGuid() => id;

        public long NextInt64(long minInclusive, long maxExclusive) => minInclusive;
    }

    [Fact]
    public async Task RandomSeeded_DoesNotDependOnTheEntropy()
    {
        const string States = """
            "A":{"Type":"Pass","Output":"{% $random(12345) %}","End":true}
            """;
        var one = await RunAsync(States, entropy: new SeededEntropy(1));
        var two = await RunAsync(States, entropy: new SeededEntropy(2));

        Assert.True(AslJson.DeepEquals(one.Output, two.Output));
        var value = one.Output!.GetValue<double>();
        Assert.InRange(value, 0, 0.9999999999);
    }

    [Fact]
    public async Task Variable_HoldingAnArray_IsReadByABuiltInFunction()
    {
        var result = await RunAsync("""
            "A":{"Type":"Pass","Assign":{"big":"{% $range(1, 1000, 1) %}","unused":"{% 'x' %}"},"Next":"B"},
            "B":{"Type":"Pass","Output":"{% $sum($big) %}","End":true}
            """);

        Assert.Equal("SUCCEEDED", result.Status);
        Assert.Equal(500500, result.Output!.GetValue<long>());
    }

    [Fact]
    public async Task Variable_WithNonAsciiName_IsBound()
    {
        var result = await RunAsync("""
            "A":{"Type":"Pass","Assign":{"größe":3,"_n1":4},"Next":"B"},
            "B":{"Type":"Pass","Output":"{% $größe * $_n1 %}","End":true}
            """);

        Assert.Equal(12, result.Output!.GetValue<long>());
    }

    [Theory]
    [InlineData("$states.context.State.Name", "\"A\"")]
    [InlineData("$keys($states)", "[\"input\",\"context\"]")]
    [InlineData("$states.*.State.Name", "\"A\"")]
    [InlineData("$lookup($states, 'context').StateMachine.Name", "\"M\"")]
    [InlineData("$keys($states.input)", "\"a\"")]
    public async Task StatesObject_HasTheContextWheneverAnExpressionCanReachIt(string expression, string expected)
    {
        var result = await RunAsync($$"""
            "A":{"Type":"Pass","Output":"{% {{expression}} %}","End":true}
            """, """{"a":1}""");

        Assert.Equal(expected, AslJson.ToJsonString(result.Output));
    }

    [Fact]
    public async Task StatesContext_IsTheJsonPathContextObject()
    {
        // The same Map, once in each language: $states.context and $$ must agree member for member (Task tokens aside).
        const string Processor = """
            "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true
            """;
        var jsonPath = await RunDefinitionAsync("""{"StartAt":"A","States":{"A":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"c.$":"$$"},""" + Processor + "}}}");
        var jsonata = await RunDefinitionAsync("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Map","Items":"{% $states.input.items %}","ItemSelector":{"c":"{% $states.context %}"},""" + Processor + "}}}");

        Assert.Equal("SUCCEEDED", jsonata.Status);
        Assert.Equal(AslJson.ToJsonString(jsonPath.Output), AslJson.ToJsonString(jsonata.Output));
        Assert.Equal("big", jsonata.Output![1]!["c"]!["Execution"]!["Input"]!["items"]![1]!.GetValue<string>());
        Assert.Equal(1L, jsonata.Output[1]!["c"]!["Map"]!["Item"]!["Index"]!.GetValue<long>());
    }

    private static async Task<ExecutionResult> RunDefinitionAsync(string definition)
    {
        var parsed = DefinitionParser.Parse(definition);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        var input = JsonNode.Parse("""{"items":["small","big"]}""");
        var options = new DirectRunOptions { WaitMode = WaitMode.Skip, Entropy = new SeededEntropy(1) };
        return await new DirectRunner().RunAsync(parsed.StateMachine!, input, options, ExecutionInfo.Local("M", "e", Start, input) with { RoleArn = "arn:aws:iam::1:role/r" });
    }

    [Fact]
    public async Task Range_Beyond1000Items_Fails()
    {
        var result = await RunAsync("""
            "A":{"Type":"Pass","Output":"{% $range(1, 1001, 1) %}","End":true}
            """);

        Assert.Equal(ErrorNames.QueryEvaluationError, result.Error);
    }

    [Fact]
    public async Task Template_EvaluatedTwice_GivesIndependentResults()
    {
        // Literal parts of a template are copied per evaluation: one iteration's output cannot leak into another's.
        var result = await RunAsync("""
            "A":{"Type":"Map","Items":[1,2],"ItemSelector":{"fixed":{"k":[1]},"v":"{% $states.context.Map.Item.Value %}"},
                 "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}
            """);

        Assert.Equal("""[{"fixed":{"k":[1]},"v":1},{"fixed":{"k":[1]},"v":2}]""", AslJson.ToJsonString(result.Output));
    }
}
