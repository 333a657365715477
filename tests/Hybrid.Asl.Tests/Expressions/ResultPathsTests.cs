using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using static Hybrid.Asl.Tests.Expressions.ExpressionTestData;

namespace Hybrid.Asl.Tests.Expressions;

public sealed class ResultPathsTests
{
    [Fact]
    public void Apply_Dollar_ReplacesTheInput()
    {
        var result = AslJson.Parse("{\"r\":1}");
        Assert.Same(result, ResultPaths.Apply(JsonPath.Dollar, AslJson.Parse("{\"a\":1}"), result));
    }

    [Fact]
    public void Apply_NullPath_KeepsTheInputAndDiscardsTheResult()
    {
        var input = AslJson.Parse("{\"a\":1}");
        Assert.Same(input, ResultPaths.Apply(null, input, AslJson.Parse("{\"r\":1}")));
    }

    [Fact]
    public void Apply_NestedPath_WritesIntoACloneCreatingObjects()
    {
        var input = AslJson.Parse("{\"a\":1,\"x\":{\"keep\":true}}");
        var output = ResultPaths.Apply(JsonPath.Parse("$.x.y.z"), input, AslJson.Parse("[1,2]"));
        AssertJson("{\"a\":1,\"x\":{\"keep\":true,\"y\":{\"z\":[1,2]}}}", output);
        AssertJson("{\"a\":1,\"x\":{\"keep\":true}}", input);
    }

    [Fact]
    public void Apply_ExistingProperty_IsReplaced() =>
        AssertJson("{\"a\":\"new\"}", ResultPaths.Apply(JsonPath.Parse("$.a"), AslJson.Parse("{\"a\":{\"old\":1}}"), JsonValue.Create("new")));

    [Fact]
    public void Apply_NullResult_IsWrittenAsNull() =>
        AssertJson("{\"a\":1,\"r\":null}", ResultPaths.Apply(JsonPath.Parse("$.r"), AslJson.Parse("{\"a\":1}"), null));

    [Fact]
    public void Apply_ArrayIndexInRange_ReplacesTheItem() =>
        AssertJson("{\"a\":[0,\"x\",2]}", ResultPaths.Apply(JsonPath.Parse("$.a[1]"), AslJson.Parse("{\"a\":[0,1,2]}"), JsonValue.Create("x")));

    [Fact]
    public void Apply_ResultWithParent_IsClonedNotMoved()
    {
        var holder = AslJson.Parse("{\"result\":{\"v\":1}}")!;
        var output = ResultPaths.Apply(JsonPath.Parse("$.r"), AslJson.Parse("{}"), holder["result"]);
        AssertJson("{\"r\":{\"v\":1}}", output);
        AssertJson("{\"result\":{\"v\":1}}", holder);
    }

    [Theory]
    [InlineData("$.a.b", "{\"a\":\"text\"}")]
    [InlineData("$.a.b", "{\"a\":[1]}")]
    [InlineData("$.a", "\"scalar\"")]
    [InlineData("$.a", "null")]
    [InlineData("$.a[5]", "{\"a\":[1]}")]
    [InlineData("$.a[0]", "{\"a\":{\"0\":1}}")]
    public void Apply_IntoNonObject_FailsWithResultPathMatchFailure(string path, string input)
    {
        var e = Assert.Throws<AslException>(() => ResultPaths.Apply(JsonPath.Parse(path), AslJson.Parse(input), JsonValue.Create(1)));
        Assert.Equal(ErrorNames.ResultPathMatchFailure, e.Error);
        Assert.Equal($"Unable to apply ReferencePath {path} to input {AslJson.Quote(AslJson.ToJsonString(AslJson.Parse(input)))}", e.Cause);
    }

    [Fact]
    public void Apply_Mismatch_QuotesTheInputLikeAws()
    {
        var e = Assert.Throws<AslException>(() => ResultPaths.Apply(JsonPath.Parse("$.p.q"), AslJson.Parse("{\"p\":1}"), null));
        Assert.Equal("Unable to apply ReferencePath $.p.q to input \"{\\\"p\\\":1}\"", e.Cause);
    }

    [Theory]
    [InlineData("$$.Execution")]
    [InlineData("$var.a")]
    [InlineData("$.a[*]")]
    public void Apply_NotAnInputReferencePath_IsRejected(string path) =>
        Assert.Throws<ArgumentException>(() => ResultPaths.Apply(JsonPath.Parse(path), AslJson.Parse("{}"), null));
}
