using Hybrid.Asl.Model;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Validation;

namespace Hybrid.Asl.Tests.Parsing;

/// <summary>The validator in JSONata mode: which fields belong to which language, and located JSONata syntax errors.</summary>
public sealed class JsonataValidationTests
{
    private static string Machine(string states, string language = "\"QueryLanguage\":\"JSONata\",") =>
        "{" + language + "\"StartAt\":\"A\",\"States\":{" + states + "}}";

    [Fact]
    public void Parse_JsonataMachine_IsValidAndCompilesEveryExpressionOnce()
    {
        var result = DefinitionParser.Parse(Machine("""
            "A":{"Type":"Task","Resource":"arn:x","Arguments":{"a":"{% $states.input.a %}"},"Output":"{% $states.result %}","Assign":{"v":"{% 1 %}"},"Next":"C"},
            "C":{"Type":"Choice","Choices":[{"Condition":"{% $v = 1 %}","Next":"D"}],"Default":"D"},
            "D":{"Type":"Succeed"}
            """));

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var machine = result.StateMachine!;
        Assert.Equal(QueryLanguage.Jsonata, machine.QueryLanguage);
        var task = Assert.IsType<TaskState>(machine.States["A"]);
        Assert.Equal(QueryLanguage.Jsonata, task.QueryLanguage);
        Assert.Equal(QueryLanguage.Jsonata, task.Parameters!.QueryLanguage);
        Assert.True(task.Output!.Jsonata.IsExpression);
        var choice = Assert.IsType<ChoiceState>(machine.States["C"]);
        Assert.IsType<ConditionRule>(choice.Choices[0].Rule);
    }

    [Fact]
    public void Parse_JsonPathFailWithExpressionLikeText_KeepsItAsLiteral()
    {
        var result = DefinitionParser.Parse("""{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"{% x %}","Cause":"{% y %}"}}}""");

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var fail = Assert.IsType<FailState>(result.StateMachine!.States["A"]);
        Assert.Equal("{% x %}", fail.Error);
        Assert.Equal("{% y %}", fail.Cause);
    }

    [Theory]
    // A JSONata syntax error is reported at the string that holds it, with the JSONata code and position.
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":["ok","{% 1 + %}"]},"End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Output/x/1")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.a %","End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Output")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{%   %}","End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Output")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a/b":"{% ( %}"},"End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Assign/a~1b")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Condition":"{% $x = %}","Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Choices/0/Condition")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Wait","Seconds":"{% ] %}","End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Seconds")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Fail","Error":"{% 'a' & %}"}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Error")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","TimeoutSeconds":"{% ) %}","End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/TimeoutSeconds")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Map","Items":"{% [ %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Items")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Output":"{% } %}","End":true}}},"End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/ItemProcessor/States/I/Output")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% ? %}","Next":"A"}]}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Catch/0/Output")]
    // In a JSONPath state a "{% %}" string is an ordinary literal: a Wait's Seconds must still be a number.
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":"{% 5 %}","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Seconds")]
    // $states.result only in the Output and Assign of Task, Parallel and Map; $states.errorOutput only in a Catch.
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","Arguments":{"r":"{% $states.result %}"},"End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Arguments/r")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states . result %}","End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Output")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","Output":"{% $states.errorOutput %}","End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Output")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"r":"{% $states.result %}"},"Next":"A"}]}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Catch/0/Assign/r")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Map","Items":"{% $states.result %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}""", DiagnosticCodes.InvalidJsonata, "/States/A/Items")]
    // JSONPath-only fields in a JSONata state, and JSONata-only fields in a JSONPath state.
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/InputPath")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a":1},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Parameters")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a":1},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Result")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","ResultSelector":{"a":1},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ResultSelector")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","ResultPath":"$.r","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/ResultPath")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","OutputPath":"$.r","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/OutputPath")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Wait","SecondsPath":"$.s","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/SecondsPath")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"A"}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Catch/0/ResultPath")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"x","Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/Variable")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Condition":"yes","Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/Condition")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Map","Items":{"a":1},"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Items")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","Arguments":{},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Arguments")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Map","Arguments":{},"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Arguments")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"B"}]},"B":{"Type":"Succeed"}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Choices/0/Condition")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Output":{},"Next":"A"}]}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Catch/0/Output")]
    // A JSONata state machine cannot hold a JSONPath state, nor can a JSONata state's branches.
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/QueryLanguage")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Parallel","QueryLanguage":"JSONata","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}],"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Branches/0/States/B/QueryLanguage")]
    [InlineData("""{"QueryLanguage":"JSONPATH","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/QueryLanguage")]
    // Variables: names, the reserved $states, and no assigning an enclosing machine's variable inside a branch.
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"states":1},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Assign/states")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x.$":"$.a"},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/A/Assign/x.$")]
    [InlineData("""{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v":1},"Next":"P"},"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Assign":{"v":2},"End":true}}}],"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/P/Branches/0/States/B/Assign/v")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":[1],"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"late":1},"End":true}}},"Next":"Z"},"Z":{"Type":"Pass","Assign":{"late":2},"End":true}}}""", DiagnosticCodes.SchemaValidationFailed, "/States/M/ItemProcessor/States/I/Assign/late")]
    public void Parse_InvalidJsonataUse_ReportsLocatedDiagnostic(string definition, string code, string pointer)
    {
        var result = DefinitionParser.Parse(definition);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, d => d.Code == code && d.Pointer == pointer);
    }

    [Fact]
    public void Parse_JsonataSyntaxError_NamesExpressionCodeAndPosition()
    {
        var result = DefinitionParser.Parse(Machine("""
            "A":{"Type":"Pass","Output":{"total":"{% $sum($states.input.n) + %}"},"End":true}
            """));

        var error = Assert.Single(result.Errors);
        Assert.Equal("/States/A/Output/total", error.Pointer);
        Assert.Contains("'$sum($states.input.n) +'", error.Message, StringComparison.Ordinal);
        Assert.Contains("S0207", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ResultAndErrorOutputWhereTheyExist_IsValid()
    {
        var result = DefinitionParser.Parse(Machine("""
            "A":{"Type":"Task","Resource":"arn:x","Output":"{% $states.result %}","Assign":{"r":"{% $states.result.id %}"},"End":true,
                 "Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Assign":{"e":"{% $states.errorOutput.Error %}"},"Next":"B"}]},
            "B":{"Type":"Parallel","Branches":[{"StartAt":"C","States":{"C":{"Type":"Pass","End":true}}}],"Output":"{% $states.result[0] %}","End":true}
            """));

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Parse_SiblingBranchesAssignSameName_IsValid()
    {
        // Only enclosing scopes are protected: two branches (or a branch and a later, separate Map) may reuse a name.
        var result = DefinitionParser.Parse(Machine("""
            "A":{"Type":"Parallel","Branches":[
              {"StartAt":"B","States":{"B":{"Type":"Pass","Assign":{"v":1},"End":true}}},
              {"StartAt":"C","States":{"C":{"Type":"Pass","Assign":{"v":2},"End":true}}}],"End":true}
            """));

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Parse_JsonPathStateInJsonPathMachineWithJsonataState_IsValid()
    {
        var result = DefinitionParser.Parse(Machine(
            """
            "A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","Next":"B"},
            "B":{"Type":"Pass","QueryLanguage":"JSONPath","Parameters":{"a.$":"$"},"End":true}
            """,
            language: ""));

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(QueryLanguage.JsonPath, result.StateMachine!.QueryLanguage);
        Assert.Equal(QueryLanguage.Jsonata, result.StateMachine.States["A"].QueryLanguage);
    }
}
