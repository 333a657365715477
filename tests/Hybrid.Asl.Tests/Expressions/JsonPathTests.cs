using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using static Hybrid.Asl.Tests.Expressions.ExpressionTestData;

namespace Hybrid.Asl.Tests.Expressions;

public sealed class JsonPathTests
{
    [Theory]
    [InlineData("$", true)]
    [InlineData("$.a.b", true)]
    [InlineData("$['a b']", true)]
    [InlineData("$[\"a b\"].c", true)]
    [InlineData("$.a[0]", true)]
    [InlineData("$.a[0][1].b", true)]
    [InlineData("$$.Execution.Id", true)]
    [InlineData("$$", true)]
    [InlineData("$varName", true)]
    [InlineData("$varName.field[2]", true)]
    [InlineData("$.a[-1]", false)]
    [InlineData("$.a[*]", false)]
    [InlineData("$..a", false)]
    [InlineData("$.a[0,1]", false)]
    [InlineData("$.a[1:2]", false)]
    [InlineData("$.a[?(@.b)]", false)]
    [InlineData("$.a.length()", false)]
    [InlineData("$['a','b']", false)]
    public void TryParse_ValidPath_ReportsWhetherItIsAReferencePath(string text, bool reference)
    {
        Assert.True(JsonPath.TryParse(text, out var path, out var error), error);
        Assert.Equal(reference, path!.IsReferencePath);
        Assert.Equal(text, path.Text);
        Assert.Equal(reference, AslPaths.TryParseReference(text, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("$.")]
    [InlineData("$..")]
    [InlineData("$.a[")]
    [InlineData("$.a[0")]
    [InlineData("$.a['b")]
    [InlineData("$.a[x]")]
    [InlineData("$.a[?(@.b <)]")]
    [InlineData("$.a[?(@.b == 1]")]
    [InlineData("$.a[1:2:0]")]
    [InlineData("$.a b")]
    [InlineData("$.a[-]")]
    [InlineData("$[99999999999]")]
    [InlineData("$.a[?(@.b =~ 'x')]")]
    [InlineData("$.a[?(@.b =~ /[/)]")]
    [InlineData("@.a")]
    [InlineData("$.f(")]
    [InlineData(null)]
    public void TryParse_InvalidPath_FailsWithPositionedError(string? text)
    {
        Assert.False(JsonPath.TryParse(text, out var path, out var error));
        Assert.Null(path);
        Assert.False(string.IsNullOrEmpty(error));
        if (text is not null)
        {
            Assert.Contains("position", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_InvalidPath_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => JsonPath.Parse("$["));

    [Theory]
    [InlineData("$", "{\"a\":{\"b\":[1,{\"c\":true}]}}")]
    [InlineData("$.a.b", "[1,{\"c\":true}]")]
    [InlineData("$.a.b[1].c", "true")]
    [InlineData("$['a']['b'][0]", "1")]
    [InlineData("$.a.b[-1]", "{\"c\":true}")]
    public void TryEvaluate_DefinitePath_SelectsTheNode(string path, string expected) =>
        AssertJson(expected, Select(path, "{\"a\":{\"b\":[1,{\"c\":true}]}}"));

    [Fact]
    public void TryEvaluate_QuotedNameWithSpacesAndDots_SelectsTheProperty() =>
        AssertJson("1", Select("$['a b.c']", "{\"a b.c\":1}"));

    [Fact]
    public void TryEvaluate_QuotedNameWithEscapedQuote_SelectsTheProperty() =>
        AssertJson("2", Select("$['it\\'s']", "{\"it's\":2}"));

    [Fact]
    public void TryEvaluate_DotNameWithDash_SelectsTheProperty() =>
        AssertJson("3", Select("$.x-y", "{\"x-y\":3}"));

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.a.missing")]
    [InlineData("$.a.b[5]")]
    [InlineData("$.a.b.c")]
    [InlineData("$.a.b[0].c")]
    [InlineData("$.a.length()")]
    public void TryEvaluate_MissingDefinitePath_ReturnsFalse(string text)
    {
        var path = JsonPath.Parse(text);
        Assert.False(path.TryEvaluate(Context("{\"a\":{\"b\":[1,{\"c\":true}]}}"), out _));
    }

    [Fact]
    public void TryEvaluate_PropertyWithNullValue_IsFoundAsNull()
    {
        Assert.True(JsonPath.Parse("$.a").TryEvaluate(Context("{\"a\":null}"), out var value));
        Assert.Null(value);
    }

    [Fact]
    public void TryEvaluate_ContextObject_ReadsDollarDollar() =>
        AssertJson("\"arn:exec\"", Select("$$.Execution.Id", "{}", "{\"Execution\":{\"Id\":\"arn:exec\"}}"));

    [Fact]
    public void TryEvaluate_Variable_ReadsTheVariable()
    {
        var variables = new Dictionary<string, JsonNode?> { ["order"] = AslJson.Parse("{\"items\":[{\"id\":7}]}"), ["n"] = null };
        AssertJson("7", Select("$order.items[0].id", "{}", variables: variables));
        AssertJson("{\"items\":[{\"id\":7}]}", Select("$order", "{}", variables: variables));
        Assert.Null(Select("$n", "{}", variables: variables));
        Assert.False(JsonPath.Parse("$other").TryEvaluate(Context("{}", variables: variables), out _));
        Assert.Equal("order", JsonPath.Parse("$order.items").VariableName);
        Assert.Equal(PathRoot.Variable, JsonPath.Parse("$order.items").Root);
    }

    [Fact]
    public void TryEvaluate_UnicodeVariableName_IsAVariable()
    {
        var variables = new Dictionary<string, JsonNode?> { ["café_1"] = JsonValue.Create(1) };
        AssertJson("1", Select("$café_1", "{}", variables: variables));
    }

    [Fact]
    public void TryEvaluate_Wildcard_SelectsAllChildren()
    {
        AssertJson("[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\",\"J. R. R. Tolkien\"]", Select("$.store.book[*].author", Store));
        AssertJson("[\"red\",19.95]", Select("$.store.bicycle.*", Store));
    }

    [Fact]
    public void TryEvaluate_RecursiveDescent_SelectsInDocumentOrder()
    {
        AssertJson("[8.95,12.99,8.99,22.99,19.95]", Select("$..price", Store));
        AssertJson("[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\",\"J. R. R. Tolkien\"]", Select("$..author", Store));
        AssertJson("[{\"category\":\"fiction\",\"author\":\"Herman Melville\",\"title\":\"Moby Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99}]", Select("$..book[2]", Store));
        Assert.Equal(4, Select("$..book[*]", Store)!.AsArray().Count);
        AssertJson("[1,{\"c\":2,\"d\":[2]},2,[2],2]", Select("$..*", "{\"a\":1,\"b\":{\"c\":2,\"d\":[2]}}"));
    }

    [Theory]
    [InlineData("$.a[1:3]", "[1,2]")]
    [InlineData("$.a[:2]", "[0,1]")]
    [InlineData("$.a[3:]", "[3,4,5]")]
    [InlineData("$.a[-2:]", "[4,5]")]
    [InlineData("$.a[::2]", "[0,2,4]")]
    [InlineData("$.a[1:6:2]", "[1,3,5]")]
    [InlineData("$.a[::-1]", "[5,4,3,2,1,0]")]
    [InlineData("$.a[4:1:-2]", "[4,2]")]
    [InlineData("$.a[10:]", "[]")]
    [InlineData("$.a[0,2,10,-1]", "[0,2,5]")]
    [InlineData("$.a[ 0 , 1 ]", "[0,1]")]
    public void TryEvaluate_SlicesAndUnions_SelectArrays(string path, string expected) =>
        AssertJson(expected, Select(path, "{\"a\":[0,1,2,3,4,5]}"));

    [Fact]
    public void TryEvaluate_MultiPropertyLeaf_MergesIntoOneObject() =>
        AssertJson("{\"a\":1,\"c\":3}", Select("$['a','c','z']", "{\"a\":1,\"b\":2,\"c\":3}"));

    [Fact]
    public void TryEvaluate_MultiPropertyNotLeaf_SelectsEach() =>
        AssertJson("[1,2]", Select("$['a','b'].x", "{\"a\":{\"x\":1},\"b\":{\"x\":2}}"));

    [Theory]
    [InlineData("$.store.book[?(@.price < 10)].title", "[\"Sayings of the Century\",\"Moby Dick\"]")]
    [InlineData("$.store.book[?(@.price <= 8.99)].title", "[\"Sayings of the Century\",\"Moby Dick\"]")]
    [InlineData("$.store.book[?(@.price > 20)].title", "[\"The Lord of the Rings\"]")]
    [InlineData("$.store.book[?(@.price >= 22.99)].title", "[\"The Lord of the Rings\"]")]
    [InlineData("$.store.book[?(@.isbn)].title", "[\"Moby Dick\",\"The Lord of the Rings\"]")]
    [InlineData("$.store.book[?(!@.isbn)].title", "[\"Sayings of the Century\",\"Sword of Honour\"]")]
    [InlineData("$.store.book[?(@.category == 'reference')].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.book[?(@.category == \"reference\")].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.book[?(@.category != 'fiction')].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.book[?(@.price < $.expensive)].price", "[8.95,8.99]")]
    [InlineData("$.store.book[?(@.price < 10 && @.category == 'fiction')].title", "[\"Moby Dick\"]")]
    [InlineData("$.store.book[?(@.price > 20 || @.category == 'reference')].title", "[\"Sayings of the Century\",\"The Lord of the Rings\"]")]
    [InlineData("$.store.book[?((@.price > 20 || @.price < 9) && @.isbn)].title", "[\"Moby Dick\",\"The Lord of the Rings\"]")]
    [InlineData("$.store.book[?(@.author =~ /.*REES/i)].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.book[?(@.author =~ /Rees/)].author", "[]")]
    [InlineData("$.store.book[?(@.category in ['reference', 'poetry'])].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.book[?(@.category nin ['fiction'])].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.book[?(@.title size 9)].title", "[\"Moby Dick\"]")]
    [InlineData("$.store.book[?(@.isbn exists false)].title", "[\"Sayings of the Century\",\"Sword of Honour\"]")]
    [InlineData("$.store.book[?(@.title contains 'Lord')].price", "[22.99]")]
    [InlineData("$..book[?(@.price == 8.95)].author", "[\"Nigel Rees\"]")]
    [InlineData("$.store.bicycle[?(@.color == 'red')].price", "[19.95]")]
    [InlineData("$.store[?(@.color == 'red')].price", "[]")]
    public void TryEvaluate_Filters_SelectMatchingElements(string path, string expected) =>
        AssertJson(expected, Select(path, Store));

    [Theory]
    [InlineData("$.a[?(@.tags subsetof ['x','y','z'])].id", "[1,2,3]")]
    [InlineData("$.a[?(@.tags subsetof ['x'])].id", "[3]")]
    [InlineData("$.a[?(@.tags anyof ['q','z'])].id", "[2]")]
    [InlineData("$.a[?(@.tags noneof ['z'])].id", "[1,3]")]
    [InlineData("$.a[?(@.tags empty true)].id", "[3]")]
    [InlineData("$.a[?(@.tags empty false)].id", "[1,2]")]
    [InlineData("$.a[?(@.n == '5')].id", "[1]")]
    [InlineData("$.a[?(@.n === '5')].id", "[]")]
    [InlineData("$.a[?(@.n === 5)].id", "[1]")]
    [InlineData("$.a[?(@.n == null)].id", "[3]")]
    [InlineData("$.a[?(@.flag == true)].id", "[2]")]
    [InlineData("$.a[?(@.flag)].id", "[2,3]")]
    [InlineData("$.a[?(@.n != 5)].id", "[2,3]")]
    [InlineData("$.a[?(@.tags[0] == 'x')].id", "[1]")]
    [InlineData("$.a[?(@.n > '4')].id", "[]")]
    [InlineData("$.a[?(@.n > -1)].id", "[1]")]
    [InlineData("$.a[?(@.n > 4.5e0)].id", "[1]")]
    public void TryEvaluate_JaywayOperators_BehaveLikeJayway(string path, string expected)
    {
        const string input = """
            {"a":[
              {"id":1,"tags":["x","y"],"n":5},
              {"id":2,"tags":["z"],"flag":true},
              {"id":3,"tags":[],"n":null,"flag":false}
            ]}
            """;
        AssertJson(expected, Select(path, input));
    }

    [Theory]
    [InlineData("$.n[?(@ > 2)]", "[3,4]")]
    [InlineData("$.n[?(@ == 2 || @ == 4)]", "[2,4]")]
    [InlineData("$.s[?(@ == 'b')]", "[\"b\"]")]
    [InlineData("$.s[?(@ in ['a','c'])]", "[\"a\",\"c\"]")]
    public void TryEvaluate_FilterOnCurrentValue_ComparesTheItem(string path, string expected) =>
        AssertJson(expected, Select(path, "{\"n\":[1,2,3,4],\"s\":[\"a\",\"b\",\"c\"]}"));

    [Fact]
    public void TryEvaluate_FilterWithVariableAndContext_ReadsThem()
    {
        var variables = new Dictionary<string, JsonNode?> { ["limit"] = JsonValue.Create(10) };
        AssertJson("[8.95,8.99]", Select("$.store.book[?(@.price < $limit)].price", Store, variables: variables));
        AssertJson("[22.99]", Select("$.store.book[?(@.price > $$.Min)].price", Store, "{\"Min\":20}"));
    }

    [Theory]
    [InlineData("$.missing[*]")]
    [InlineData("$.missing[0:2]")]
    [InlineData("$.missing..x")]
    [InlineData("$.a.missing[*].b")]
    [InlineData("$.a[?(@.x)]")]
    [InlineData("$.s[*]")]
    [InlineData("$.missing[0,1]")]
    public void TryEvaluate_IndefinitePathOverMissing_IsEmptyArray(string text)
    {
        Assert.True(JsonPath.Parse(text).TryEvaluate(Context("{\"a\":{},\"s\":\"text\"}"), out var value));
        AssertJson("[]", value);
    }

    [Fact]
    public void TryEvaluate_IndefiniteResults_AreClonesThatCanBeReparented()
    {
        var context = Context("{\"a\":[{\"x\":1},{\"x\":2}]}");
        Assert.True(JsonPath.Parse("$.a[*]").TryEvaluate(context, out var value));
        _ = new JsonObject { ["copy"] = value };
        AssertJson("{\"a\":[{\"x\":1},{\"x\":2}]}", context.Input);
        Assert.True(JsonPath.Parse("$[?(@.a)]").TryEvaluate(context, out var root));
        Assert.Null(context.Input!.Parent);
        Assert.Single(root!.AsArray());
    }

    [Fact]
    public void TryEvaluate_DefiniteResult_IsTheContextNodeItself()
    {
        var context = Context("{\"a\":{\"b\":1}}");
        Assert.True(JsonPath.Parse("$.a").TryEvaluate(context, out var value));
        Assert.Same(context.Input!["a"], value);
    }

    [Fact]
    public void TryEvaluate_LargeIntegers_KeepTheirPrecision() =>
        Assert.Equal("[12345678901234567890]", AslJson.ToJsonString(Select("$.a[*]", "{\"a\":[12345678901234567890]}")));

    [Fact]
    public void Evaluate_MissingField_RaisesTheGivenErrorWithAwsCause()
    {
        var e = Assert.Throws<AslException>(() => JsonPath.Parse("$.application.address").Evaluate(Context("{\"flagged\":false}"), ErrorNames.Runtime, "address.$"));
        Assert.Equal(ErrorNames.Runtime, e.Error);
        Assert.Equal("The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'", e.Cause);
    }

    [Fact]
    public void Evaluate_MissingContextField_QuotesTheStateInput()
    {
        var e = Assert.Throws<AslException>(() => JsonPath.Parse("$$.Execution.Nope").Evaluate(Context("{\"in\":1}", "{\"Execution\":{}}"), ErrorNames.Runtime, "x.$"));
        Assert.Equal("The JSONPath '$$.Execution.Nope' specified for the field 'x.$' could not be found in the input '{\"in\":1}'", e.Cause);
    }

    [Fact]
    public void EvaluateField_MissingLeaf_UsesJaywayNoResultsText()
    {
        var e = Assert.Throws<AslException>(() => JsonPath.Parse("$.a.b").EvaluateField(Context("{\"a\":{}}"), ErrorNames.Runtime));
        Assert.Equal(ErrorNames.Runtime, e.Error);
        Assert.Equal("Invalid path '$.a.b' : No results for path: $['a']['b']", e.Cause);
    }

    [Fact]
    public void EvaluateField_MissingIntermediate_UsesJaywayMissingPropertyText()
    {
        var e = Assert.Throws<AslException>(() => JsonPath.Parse("$.a.b[0]").EvaluateField(Context("{}"), ErrorNames.Runtime));
        Assert.Equal("Invalid path '$.a.b[0]' : Missing property in path $['a']", e.Cause);
    }

    [Fact]
    public void EvaluateField_MissingIntermediateIndex_UsesJaywayNoResultsText()
    {
        var e = Assert.Throws<AslException>(() => JsonPath.Parse("$.a[3].b").EvaluateField(Context("{\"a\":[1]}"), ErrorNames.Runtime));
        Assert.Equal("Invalid path '$.a[3].b' : No results for path: $['a'][3]['b']", e.Cause);
    }

    [Fact]
    public void EvaluateField_PresentPath_ReturnsValue() =>
        AssertJson("[1]", JsonPath.Parse("$.a").EvaluateField(Context("{\"a\":[1]}"), ErrorNames.Runtime));

    [Fact]
    public void ToNormalizedString_WritesJaywayForm() =>
        Assert.Equal("$['a'][0]['b c']", JsonPath.Parse("$.a[0]['b c']").ToNormalizedString());

    [Fact]
    public void Dollar_IsTheRootPath()
    {
        Assert.True(JsonPath.Dollar.IsRoot);
        Assert.True(JsonPath.Parse("$").IsRoot);
        Assert.False(JsonPath.Parse("$$").IsRoot);
    }

    [Fact]
    public void TryEvaluate_ManyTimes_GivesTheSameAnswer()
    {
        var path = JsonPath.Parse("$.store.book[?(@.price < 10)].title");
        var context = Context(Store);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(path.TryEvaluate(context, out var value));
            AssertJson("[\"Sayings of the Century\",\"Moby Dick\"]", value);
        }
    }
}
