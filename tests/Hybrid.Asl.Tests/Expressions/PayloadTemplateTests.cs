using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using static Hybrid.Asl.Tests.Expressions.ExpressionTestData;

namespace Hybrid.Asl.Tests.Expressions;

public sealed class PayloadTemplateTests
{
    private static PayloadTemplate Compile(string template)
    {
        var compiled = PayloadTemplate.Compile(AslJson.Parse(template), out var errors);
        Assert.Empty(errors);
        return compiled!;
    }

    [Fact]
    public void Evaluate_SpecExample_ExtractsAndEmbeds()
    {
        var template = Compile("""{"flagged": true, "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[3:]"}}""");
        var output = template.Evaluate(Context("""{"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}"""), ErrorNames.Runtime);
        AssertJson("""{"flagged": true, "parts": {"first": 0, "last3": [30, 40, 50]}}""", output);
    }

    [Fact]
    public void Evaluate_ContextVariablesAndIntrinsics_AreEvaluated()
    {
        var template = Compile("""
            {
              "exec.$": "$$.Execution.Id",
              "user.$": "$user.name",
              "greeting.$": "States.Format('Hi {}', $user.name)",
              "all.$": "$",
              "literal": "$.not.evaluated",
              "nested": [{"x.$": "$.a"}, 1, "two", null, [{"y.$": "$.a"}]],
              "empty": {}
            }
            """);
        var variables = new Dictionary<string, JsonNode?> { ["user"] = AslJson.Parse("""{"name":"Ada"}""") };
        var output = template.Evaluate(Context("""{"a":1}""", """{"Execution":{"Id":"arn:x"}}""", variables), ErrorNames.Runtime);
        AssertJson("""
            {
              "exec": "arn:x", "user": "Ada", "greeting": "Hi Ada", "all": {"a":1}, "literal": "$.not.evaluated",
              "nested": [{"x": 1}, 1, "two", null, [{"y": 1}]], "empty": {}
            }
            """, output);
    }

    [Fact]
    public void Evaluate_TwiceOnDifferentInputs_GivesIndependentResults()
    {
        var template = Compile("""{"v.$": "$.v", "fixed": {"k": [1]}}""");
        var first = template.Evaluate(Context("""{"v":1}"""), ErrorNames.Runtime)!;
        var second = template.Evaluate(Context("""{"v":2}"""), ErrorNames.Runtime)!;
        AssertJson("""{"v":1,"fixed":{"k":[1]}}""", first);
        AssertJson("""{"v":2,"fixed":{"k":[1]}}""", second);
        Assert.NotSame(first["fixed"], second["fixed"]);
    }

    [Fact]
    public void Evaluate_SamePathTwice_ClonesAndLeavesInputIntact()
    {
        var template = Compile("""{"a.$": "$.obj", "b.$": "$.obj", "c.$": "$", "d.$": "$"}""");
        var context = Context("""{"obj":{"x":[1]}}""");
        var output = template.Evaluate(context, ErrorNames.Runtime)!;
        AssertJson("""{"a":{"x":[1]},"b":{"x":[1]},"c":{"obj":{"x":[1]}},"d":{"obj":{"x":[1]}}}""", output);
        AssertJson("""{"obj":{"x":[1]}}""", context.Input);
        Assert.NotSame(output["a"], context.Input!["obj"]);
        Assert.NotSame(output["c"], context.Input);
        Assert.Null(context.Input.Parent);
    }

    [Fact]
    public void Evaluate_RootsOfContextAndVariables_AreClonedNotReparented()
    {
        var variables = new Dictionary<string, JsonNode?> { ["v"] = AslJson.Parse("[1]") };
        var context = Context("{\"a\":1}", "{\"Execution\":{}}", variables);
        var output = Compile("""{"i.$": "$", "c.$": "$$", "v.$": "$v", "arr.$": "States.Array($, $v)"}""").Evaluate(context, ErrorNames.Runtime);
        AssertJson("""{"i":{"a":1},"c":{"Execution":{}},"v":[1],"arr":[{"a":1},[1]]}""", output);
        Assert.Null(context.Input!.Parent);
        Assert.Null(context.Context!.Parent);
        Assert.Null(variables["v"]!.Parent);
    }

    [Fact]
    public void Evaluate_NonObjectTemplates_AreCopied()
    {
        AssertJson("[1,{\"a\":2}]", Compile("[1,{\"a.$\":\"$.a\"}]").Evaluate(Context("{\"a\":2}"), ErrorNames.Runtime));
        AssertJson("\"text\"", Compile("\"text\"").Evaluate(Context("{}"), ErrorNames.Runtime));
        Assert.Null(PayloadTemplate.Compile(null, out _)!.Evaluate(Context("{}"), ErrorNames.Runtime));
    }

    [Fact]
    public void Evaluate_NumbersInTemplateAndInput_KeepTheirForm() =>
        Assert.Equal("{\"one\":1,\"big\":12345678901234567890,\"f\":1.50}",
            AslJson.ToJsonString(Compile("{\"one\":1,\"big.$\":\"$.big\",\"f\":1.50}").Evaluate(Context("{\"big\":12345678901234567890}"), ErrorNames.Runtime)));

    [Fact]
    public void Evaluate_WildcardOverMissing_IsEmptyArray() =>
        AssertJson("{\"items\":[]}", Compile("{\"items.$\":\"$.missing[*].id\"}").Evaluate(Context("{}"), ErrorNames.Runtime));

    [Theory]
    [InlineData(ErrorNames.Runtime)]
    [InlineData(ErrorNames.ParameterPathFailure)]
    public void Evaluate_MissingDefinitePath_RaisesTheCallersErrorWithAwsCause(string errorName)
    {
        var template = Compile("""{"application": {"address.$": "$.application.address"}}""");
        var e = Assert.Throws<AslException>(() => template.Evaluate(Context("""{"flagged":false}"""), errorName));
        Assert.Equal(errorName, e.Error);
        Assert.Equal("The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'", e.Cause);
    }

    [Fact]
    public void Evaluate_JaywayFunction_IsNotFoundLikeAws()
    {
        var template = Compile("""{"Jobs.$": "$.Jobs.sum()"}""");
        var e = Assert.Throws<AslException>(() => template.Evaluate(Context("""{"Jobs":[0,1]}"""), ErrorNames.Runtime));
        Assert.Equal("The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input '{\"Jobs\":[0,1]}'", e.Cause);
    }

    [Fact]
    public void Evaluate_BadIntrinsicArgument_RaisesStatesRuntime()
    {
        var template = Compile("""{"n.$": "States.ArrayLength($.s)"}""");
        Assert.Equal(ErrorNames.Runtime, Assert.Throws<AslException>(() => template.Evaluate(Context("""{"s":"x"}"""), ErrorNames.Runtime)).Error);
    }

    [Fact]
    public void Compile_InvalidExpressions_ReportsEachWithItsPointer()
    {
        var template = AslJson.Parse("""
            {
              "ok.$": "$.a",
              "bad.$": "not a path",
              "num.$": 5,
              "nested": {"deep": [{"x.$": "$.a["}, {"y/z.$": "States.Nope()"}]},
              "fmt.$": "States.Format('{} {}', $.a)"
            }
            """);
        var compiled = PayloadTemplate.Compile(template, out var errors);
        Assert.Null(compiled);
        Assert.Equal(["/bad.$", "/num.$", "/nested/deep/0/x.$", "/nested/deep/1/y~1z.$", "/fmt.$"], errors.Select(e => e.Pointer).ToArray());
        Assert.StartsWith("The value for the field 'bad.$' must be a valid JSONPath or a valid intrinsic function call", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("number", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ErrorsDeconstructIntoPointerAndMessage()
    {
        _ = PayloadTemplate.Compile(AslJson.Parse("""{"a.$": "x"}"""), out var errors);
        var (pointer, message) = errors[0];
        Assert.Equal("/a.$", pointer);
        Assert.NotEmpty(message);
    }

    [Fact]
    public void Compile_TemplateObject_IsNotKeptByReference()
    {
        var source = AslJson.Parse("""{"a": {"b": 1}, "c.$": "$.c"}""")!;
        var compiled = PayloadTemplate.Compile(source, out _)!;
        source["a"]!["b"] = 2;
        AssertJson("""{"a":{"b":1},"c":3}""", compiled.Evaluate(Context("""{"c":3}"""), ErrorNames.Runtime));
    }

    [Fact]
    public void Evaluate_FromManyThreads_GivesTheSameResult()
    {
        var template = Compile("""{"fixed": {"a": [1, {"b": 2}], "c": "d"}, "v.$": "$.v", "f.$": "States.Format('{}', $.v)"}""");
        var outputs = new string[64];
        Parallel.For(0, outputs.Length, i =>
            outputs[i] = AslJson.ToJsonString(template.Evaluate(Context($"{{\"v\":{i}}}"), ErrorNames.Runtime)));
        for (var i = 0; i < outputs.Length; i++)
        {
            Assert.Equal($"{{\"fixed\":{{\"a\":[1,{{\"b\":2}}],\"c\":\"d\"}},\"v\":{i},\"f\":\"{i}\"}}", outputs[i]);
        }
    }

    [Fact]
    public void Evaluate_KeyThatIsOnlyDotDollar_IsLiteral() =>
        AssertJson("""{".$":"$.a"}""", Compile("""{".$":"$.a"}""").Evaluate(Context("{}"), ErrorNames.Runtime));

    [Fact]
    public void ValueExpression_ParsesPathsAndIntrinsics()
    {
        Assert.True(ValueExpression.TryParse("$.a", out var path, out _));
        Assert.NotNull(path!.Path);
        Assert.True(ValueExpression.TryParse("States.UUID()", out var call, out _));
        Assert.NotNull(call!.Intrinsic);
        Assert.False(ValueExpression.TryParse("a.b", out _, out var error));
        Assert.Contains("neither", error, StringComparison.Ordinal);
        Assert.False(ValueExpression.TryParse(null, out _, out _));
    }

    [Theory]
    [InlineData("$.error", true)]
    [InlineData("$$.Execution.Name", true)]
    [InlineData("States.Format('E{}', $.code)", true)]
    [InlineData("$.errors[*]", false)]
    [InlineData("$..error", false)]
    [InlineData("error", false)]
    public void ValueExpression_TryParseReferenceOrIntrinsic_RejectsIndefinitePaths(string text, bool valid)
    {
        Assert.Equal(valid, ValueExpression.TryParseReferenceOrIntrinsic(text, out var expression, out var error));
        Assert.Equal(valid, expression is not null);
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void ValueExpression_EvaluateForField_UsesRuntimeForMissingPaths()
    {
        Assert.True(ValueExpression.TryParse("$.cause", out var expression, out _));
        var e = Assert.Throws<AslException>(() => expression!.Evaluate(Context("{}"), "CausePath"));
        Assert.Equal(ErrorNames.Runtime, e.Error);
        Assert.Equal("Oops", expression!.Evaluate(Context("{\"cause\":\"Oops\"}"), "CausePath")!.GetValue<string>());
    }
}
