using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Tests.Json;

public sealed class AslJsonTests
{
    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("1", "1e0")]
    [InlineData("-0.5", "-5E-1")]
    [InlineData("12345678901234567890", "12345678901234567890.0")]
    [InlineData("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1.0,2],\"a\":1}")]
    [InlineData("null", "null")]
    [InlineData("\"x\"", "\"x\"")]
    [InlineData("[]", "[]")]
    public void DeepEquals_EquivalentValues_AreEqual(string left, string right)
    {
        Assert.True(AslJson.DeepEquals(AslJson.Parse(left), AslJson.Parse(right)));
        Assert.Equal(AslJson.GetDeepHashCode(AslJson.Parse(left)), AslJson.GetDeepHashCode(AslJson.Parse(right)));
    }

    [Theory]
    [InlineData("1", "2")]
    [InlineData("1", "\"1\"")]
    [InlineData("true", "false")]
    [InlineData("null", "false")]
    [InlineData("[1,2]", "[2,1]")]
    [InlineData("{\"a\":1}", "{\"a\":1,\"b\":2}")]
    [InlineData("{\"a\":1}", "{\"b\":1}")]
    [InlineData("12345678901234567890", "12345678901234567891")]
    public void DeepEquals_DifferentValues_AreNotEqual(string left, string right) =>
        Assert.False(AslJson.DeepEquals(AslJson.Parse(left), AslJson.Parse(right)));

    [Fact]
    public void DeepEquals_CreatedAndParsedNumbers_CompareByValue()
    {
        Assert.True(AslJson.DeepEquals(JsonValue.Create(2L), AslJson.Parse("2.00")));
        Assert.True(AslJson.DeepEquals(JsonValue.Create(0.5), AslJson.Parse("0.5")));
        Assert.True(AslJson.DeepEquals(JsonValue.Create(3), JsonValue.Create(3m)));
    }

    [Fact]
    public void Adopt_NodeWithoutParent_ReturnsSameNode()
    {
        var node = new JsonObject();
        Assert.Same(node, AslJson.Adopt(node));
        Assert.Null(AslJson.Adopt(null));
    }

    [Fact]
    public void Adopt_NodeWithParent_ReturnsEqualClone()
    {
        var parent = AslJson.Parse("{\"a\":{\"b\":[1]}}")!.AsObject();
        var child = parent["a"];
        var adopted = AslJson.Adopt(child);
        Assert.NotSame(child, adopted);
        Assert.Null(adopted!.Parent);
        Assert.True(AslJson.DeepEquals(child, adopted));
        _ = new JsonObject { ["x"] = adopted };
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,\"é\",null,true]")]
    [InlineData("\"日本語\"")]
    [InlineData("12345678901234567890")]
    [InlineData("{\"quote\":\"a\\\"b\\\\c\\n\"}")]
    public void Utf8Size_MatchesTheCompactText(string json)
    {
        var node = AslJson.Parse(json);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(AslJson.ToJsonString(node)), AslJson.Utf8Size(node));
    }

    [Theory]
    [InlineData("\"\\u00e9\\/\\t\"")]
    [InlineData("{\"k\\u00e9y\\n\":\"v\\\"q\"}")]
    [InlineData("[1.50,-0,1e3,true,false,null,\"\",{},[]]")]
    [InlineData("{\"a\":{\"b\":[{\"c\":\"\\u0001\"}]}}")]
    public void Utf8Size_EscapesInTheSource_CountsTheCompactOutput(string json)
    {
        var node = AslJson.Parse(json);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(AslJson.ToJsonString(node)), AslJson.Utf8Size(node));
    }

    [Fact]
    public void Utf8Size_CreatedValues_AreCounted()
    {
        var node = new JsonObject
        {
            ["s"] = "é\n\"😀",
            ["l"] = 12L,
            ["d"] = 1.5,
            ["m"] = 2.50m,
            ["b"] = true,
            ["n"] = null,
            ["a"] = new JsonArray(1, "x"),
            ["e"] = JsonValue.Create(AslJson.Parse("{\"in\":1}")!.AsObject()["in"]!.GetValue<System.Text.Json.JsonElement>()),
        };
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(AslJson.ToJsonString(node)), AslJson.Utf8Size(node));
    }

    [Fact]
    public void Materialize_ReturnsTheNodeAndKeepsItsValue()
    {
        var node = AslJson.Parse("{\"a\":[{\"b\":1}],\"c\":{}}");
        Assert.Same(node, AslJson.Materialize(node));
        Assert.Equal("{\"a\":[{\"b\":1}],\"c\":{}}", AslJson.ToJsonString(node));
        Assert.Null(AslJson.Materialize(null));
    }

    [Fact]
    public void Utf8Size_LargePayload_CountsEveryByte()
    {
        var node = JsonValue.Create(new string('x', 300_000));
        Assert.Equal(300_002, AslJson.Utf8Size(node));
        Assert.Equal(4, AslJson.Utf8Size(null));
    }

    [Fact]
    public void ToJsonString_NonAscii_IsNotEscaped()
    {
        Assert.Equal("{\"name\":\"Zoë <b>\"}", AslJson.ToJsonString(AslJson.Parse("{\"name\":\"Zoë <b>\"}")));
        Assert.Equal("null", AslJson.ToJsonString(null));
    }

    [Fact]
    public void ToJsonString_CharactersOutsideTheBasicPlane_AreNotEscaped()
    {
        var node = JsonValue.Create("smile 😀");
        Assert.Equal("\"smile 😀\"", AslJson.ToJsonString(node));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount("\"smile 😀\""), AslJson.Utf8Size(node));
    }

    [Theory]
    [InlineData("[\"😀\",\"a😀b😀\",{\"k😀\":\"\\\\uD83D\\\\uDE00\"}]")]
    [InlineData("\"\\\\uD83D\\\\uDE00 is text\"")]
    public void Utf8Size_WithSupplementaryCharacters_MatchesTheText(string json)
    {
        var node = AslJson.Parse(json);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(AslJson.ToJsonString(node)), AslJson.Utf8Size(node));
        Assert.True(AslJson.DeepEquals(node, AslJson.Parse(AslJson.ToJsonString(node))));
    }

    [Fact]
    public void ToJsonString_LoneSurrogate_RaisesRuntimeError()
    {
        var node = AslJson.Parse("{\"s\":\"lone \\uD83D surrogate\"}");
        Assert.Equal(Hybrid.Asl.Errors.ErrorNames.Runtime, Assert.Throws<Hybrid.Asl.Errors.AslException>(() => AslJson.ToJsonString(node)).Error);
        Assert.Throws<Hybrid.Asl.Errors.AslException>(() => AslJson.Utf8Size(node));
    }

    [Fact]
    public void ToJsonString_ControlCharacters_AreEscaped() =>
        Assert.Equal("\"a\\nb\\u0001\\\"\"", AslJson.ToJsonString(JsonValue.Create("a\nb\u0001\"")));

    [Fact]
    public void ToJsonString_LargeInteger_KeepsItsDigits()
    {
        var node = AslJson.Parse("{\"big\":12345678901234567890,\"one\":1,\"f\":1.50}");
        Assert.Equal("{\"big\":12345678901234567890,\"one\":1,\"f\":1.50}", AslJson.ToJsonString(node));
    }

    [Fact]
    public void Quote_EscapesQuotesAndBackslashes() =>
        Assert.Equal("\"{\\\"a\\\":\\\"b\\\\\\\"}\"", AslJson.Quote("{\"a\":\"b\\\"}"));

    [Fact]
    public void KindOf_Null_IsNullKind()
    {
        Assert.Equal(JsonValueKind.Null, AslJson.KindOf(null));
        Assert.Equal(JsonValueKind.Object, AslJson.KindOf(new JsonObject()));
    }

    [Fact]
    public void Comparer_InHashSet_DeduplicatesByValue()
    {
        var set = new HashSet<JsonNode?>(AslJson.Comparer) { AslJson.Parse("1"), AslJson.Parse("1.0"), AslJson.Parse("{\"a\":[1]}"), AslJson.Parse("{\"a\":[1.0]}"), null };
        Assert.Equal(3, set.Count);
    }
}
