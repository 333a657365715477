using System.Text.Json.Nodes;
using Hybrid.Asl.Model;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Validation;

namespace Hybrid.Asl.Tests.Parsing;

public sealed class DefinitionParserTests
{
    private const string Valid = """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""";

    [Fact]
    public void Parse_ValidDefinition_ReturnsMachineWithoutDiagnostics()
    {
        var result = DefinitionParser.Parse(Valid);

        Assert.True(result.IsValid);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("A", result.StateMachine!.StartAt);
        Assert.IsType<PassState>(result.StateMachine.States["A"]);
    }

    [Theory]
    [InlineData("", DiagnosticCodes.MissingDescription, "")]
    [InlineData("{", DiagnosticCodes.InvalidJsonDescription, "")]
    [InlineData("[]", DiagnosticCodes.SchemaValidationFailed, "")]
    [InlineData("""{"States":{"A":{"Type":"Pass","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "")]
    [InlineData("""{"StartAt":"A"}""", DiagnosticCodes.SchemaValidationFailed, "")]
    [InlineData("""{"StartAt":"A","States":{}}""", DiagnosticCodes.SchemaValidationFailed, "/States")]
    [InlineData("""{"StartAt":"B","States":{"A":{"Type":"Pass","End":true}}}""", DiagnosticCodes.MissingTransitionTarget, "/StartAt")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Z"}}}""", DiagnosticCodes.MissingTransitionTarget, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"B":{"Type":"Pass","End":true}}}""", DiagnosticCodes.UnreachableState, "/States/B")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}""", DiagnosticCodes.MissingEndState, "/States")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Next":"A"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Passs","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Type")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Resource":"x:y"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Resource")]
    [InlineData("""{"StartAt":"A","Foo":1,"States":{"A":{"Type":"Pass","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/Foo")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"InputPath":"foo"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/InputPath")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"ResultPath":"$.a[*]"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ResultPath")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"ResultPath":"$$.x"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ResultPath")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Parameters":{"x.$":"nope"}}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Parameters/x.$")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Output":{}}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Output")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"not a uri","End":true}}}""", DiagnosticCodes.InvalidResource, "/States/A/Resource")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"TimeoutSeconds":0}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/TimeoutSeconds")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"TimeoutSeconds":5,"HeartbeatSeconds":5}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/HeartbeatSeconds")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":["States.ALL","X"]}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Retry/0/ErrorEquals")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Retry/0/ErrorEquals")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":[]}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Retry/0/ErrorEquals")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Retry/0/BackoffRate")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Retry":[{"ErrorEquals":["X"],"JitterStrategy":"HALF"}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Retry/0/JitterStrategy")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[{"ErrorEquals":["X"]}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Catch/0")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[{"ErrorEquals":["X"],"Next":"Nope"}]}}}""", DiagnosticCodes.MissingTransitionTarget, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Credentials":"role"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Credentials")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Credentials":{"RoleArn.$":"nope"}}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Credentials/RoleArn.$")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","StringEquals":1,"Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/StringEquals")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","StringEquals":"a","NumericEquals":1,"Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/NumericEquals")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.x","IsNull":true,"Next":"B"}],"Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/And/0/Next")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","TimestampEquals":"yesterday","Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/TimestampEquals")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Wait","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":-1,"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Seconds")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Wait","Timestamp":"2024-01-01","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Timestamp")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"E","ErrorPath":"$.e"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Fail","CausePath":"States.Nope()"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/CausePath")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Parallel","Branches":[],"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Branches")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"Y":{"Type":"Succeed"}}}],"End":true}}}""", DiagnosticCodes.MissingTransitionTarget, "/States/A/Branches/0/StartAt")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Map","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Map","ItemReader":{},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ItemReader")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"FAST"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ItemProcessor/ProcessorConfig/Mode")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Map","ToleratedFailurePercentage":101,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ToleratedFailurePercentage")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Assign":{"1bad":1}}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Assign/1bad")]
    [InlineData("""{"StartAt":"A","QueryLanguage":"SQL","States":{"A":{"Type":"Pass","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/QueryLanguage")]
    [InlineData("""{"StartAt":"A","TimeoutSeconds":0,"States":{"A":{"Type":"Pass","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/TimeoutSeconds")]
    public void Parse_InvalidDefinition_ReportsCodeAtPointer(string json, string code, string pointer)
    {
        var result = DefinitionParser.Parse(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, d => d.Code == code && d.Pointer == pointer);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var result = DefinitionParser.Parse("""
            {"StartAt":"A","States":{
              "A":{"Type":"Pass","Next":"Missing"},
              "B":{"Type":"Task","End":true},
              "C":{"Type":"Wait","Seconds":"ten","End":true}}}
            """);

        Assert.Contains(result.Errors, d => d.Pointer == "/States/B" && d.Message.Contains("'Resource' is required", StringComparison.Ordinal));
        Assert.Contains(result.Errors, d => d.Pointer == "/States/C/Seconds");
        Assert.True(result.Errors.Count() >= 2);
    }

    [Fact]
    public void Parse_PassResultWithDollarKeys_WarnsButStaysValid()
    {
        var result = DefinitionParser.Parse("""{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x.$":"$.y"},"End":true}}}""");

        Assert.True(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.PassResultIsStatic && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Parse_PathLikeValueWithoutDollarSuffix_WarnsNoDollar()
    {
        var result = DefinitionParser.Parse("""{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":"$.y"},"End":true}}}""");

        Assert.True(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.NoDollar && d.Pointer == "/States/A/Parameters/x");
    }

    [Fact]
    public void Parse_JsonPointerTokens_AreEscaped()
    {
        var result = DefinitionParser.Parse("""{"StartAt":"a/b~c","States":{"a/b~c":{"Type":"Pass","Next":"gone"}}}""");

        Assert.Contains(result.Errors, d => d.Pointer == "/States/a~1b~0c");
    }

    [Fact]
    public void Parse_DeeplyNestedJson_ReportsInsteadOfOverflowing()
    {
        var json = new string('[', 100_000) + new string(']', 100_000);

        var result = DefinitionParser.Parse(json);

        Assert.False(result.IsValid);
        Assert.Equal(DiagnosticCodes.InvalidJsonDescription, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Parse_DeeplyNestedParallelBranches_ParsesWithinTheDepthLimit()
    {
        JsonObject machine = new() { ["StartAt"] = "S", ["States"] = new JsonObject { ["S"] = new JsonObject { ["Type"] = "Succeed" } } };
        for (var i = 0; i < 40; i++)
        {
            machine = new JsonObject
            {
                ["StartAt"] = "P",
                ["States"] = new JsonObject { ["P"] = new JsonObject { ["Type"] = "Parallel", ["End"] = true, ["Branches"] = new JsonArray(machine) } },
            };
        }

        var result = DefinitionParser.Parse(machine.ToJsonString());

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Parse_HugeDefinition_IsValid()
    {
        var states = new JsonObject();
        const int count = 5000;
        for (var i = 0; i < count; i++)
        {
            states[$"S{i}"] = i == count - 1
                ? new JsonObject { ["Type"] = "Succeed" }
                : new JsonObject { ["Type"] = "Pass", ["Next"] = $"S{i + 1}" };
        }

        var result = DefinitionParser.Parse(new JsonObject { ["StartAt"] = "S0", ["States"] = states }.ToJsonString());

        Assert.True(result.IsValid);
        Assert.Equal(count, result.StateMachine!.States.Count);
    }

    [Fact]
    public void Parse_LegacyIteratorAndParameters_BecomeProcessorAndItemSelector()
    {
        var result = DefinitionParser.Parse("""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","Parameters":{"v.$":"$$.Map.Item.Value"},
              "Iterator":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}}}
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var map = Assert.IsType<MapState>(result.StateMachine!.States["M"]);
        Assert.NotNull(map.ItemSelector);
        Assert.Equal("/States/M/Iterator", map.Processor.Pointer);
    }

    [Fact]
    public void FindMachine_BranchPointer_ReturnsNestedMachine()
    {
        var result = DefinitionParser.Parse("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Succeed"}}},
              {"StartAt":"B","States":{"B":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Succeed"}}}}}}]}}}
            """);

        var root = result.StateMachine!;
        Assert.Equal("B", root.FindMachine("/States/P/Branches/1")!.StartAt);
        Assert.Equal("C", root.FindMachine("/States/P/Branches/1/States/B/ItemProcessor")!.StartAt);
        Assert.Null(root.FindMachine("/States/P/Branches/7"));
    }
}
