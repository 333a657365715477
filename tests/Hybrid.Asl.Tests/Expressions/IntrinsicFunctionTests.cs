using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;
using static Hybrid.Asl.Tests.Expressions.ExpressionTestData;

namespace Hybrid.Asl.Tests.Expressions;

public sealed class IntrinsicFunctionTests
{
    private const string Input = """
        {
          "name": "Arnav", "template": "Hello, my name is {}.", "n": 3, "half": 1.5, "neg": -0.5,
          "arr": [1, 2, 3, 4, 5], "dup": [1, "a", 1.0, {"x": 1}, {"x": 1}, null, null], "obj": {"a": 1, "b": [2]},
          "other": {"b": 3, "c": 4}, "escaped": "{\"foo\": \"bar\"}", "empty": "", "csv": "a,b;;c,,d",
          "big": 12345678901234567890, "nul": null, "t": true
        }
        """;

    private static JsonNode? Eval(string text, string input = Input, IEntropy? entropy = null, IReadOnlyDictionary<string, JsonNode?>? variables = null)
    {
        Assert.True(IntrinsicFunction.TryParse(text, out var function, out var error), error);
        return function!.Evaluate(Context(input, "{\"Execution\":{\"Name\":\"run-1\"}}", variables, entropy), ErrorNames.Runtime, "field.$");
    }

    private static AslException Fails(string text, string input = Input)
    {
        var e = Assert.Throws<AslException>(() => Eval(text, input));
        Assert.Equal(ErrorNames.Runtime, e.Error);
        Assert.StartsWith("Invalid arguments in States.", e.Cause, StringComparison.Ordinal);
        return e;
    }

    // States.Format

    [Theory]
    [InlineData("States.Format('Hello, my name is {}.', $.name)", "Hello, my name is Arnav.")]
    [InlineData("States.Format($.template, $.name)", "Hello, my name is Arnav.")]
    [InlineData("States.Format('no placeholders')", "no placeholders")]
    [InlineData("States.Format('{}{}', 'a', 'b')", "ab")]
    [InlineData("States.Format('{} {} {} {} {}', $.n, $.half, $.t, $.nul, $.big)", "3 1.5 true null 12345678901234567890")]
    [InlineData("States.Format('{}', $.obj)", "{a=1, b=[2]}")]
    [InlineData("States.Format('{}', $.arr)", "[1, 2, 3, 4, 5]")]
    [InlineData("States.Format('{}', States.Array())", "[]")]
    [InlineData("States.Format('x={}', 1.0)", "x=1.0")]
    [InlineData("States.Format('\\{\\} is literal, {} is not', 'this')", "{} is literal, this is not")]
    [InlineData("States.Format('it\\'s {}', 'fine')", "it's fine")]
    [InlineData("States.Format('back\\\\slash {}', 1)", "back\\slash 1")]
    [InlineData("States.Format('{}', $$.Execution.Name)", "run-1")]
    [InlineData("States.Format( 'spaced {}' ,  $.name )", "spaced Arnav")]
    public void Format_Arguments_AreInterpolated(string text, string expected) =>
        Assert.Equal(expected, Eval(text)!.GetValue<string>());

    [Fact]
    public void Format_ArgumentsOfJavaMapShape_RenderLikeAws() =>
        Assert.Equal("{Arg1=1, Arg2=[]}", Eval("States.Format('{}', $.v)", "{\"v\":{\"Arg1\":1,\"Arg2\":[]}}")!.GetValue<string>());

    [Fact]
    public void Format_PathTemplateWithWrongPlaceholderCount_Fails() =>
        Fails("States.Format($.template, $.name, $.name)");

    [Fact]
    public void Format_PathTemplateNotAString_Fails() =>
        Assert.Contains("must be a string", Fails("States.Format($.n)").Cause, StringComparison.Ordinal);

    [Theory]
    [InlineData("States.Format('{} {}', 'a')")]
    [InlineData("States.Format('{}')")]
    [InlineData("States.Format('x', 'extra')")]
    [InlineData("States.Format(1)")]
    [InlineData("States.Format()")]
    public void TryParse_FormatWithBadLiteralTemplate_Fails(string text) =>
        Assert.False(IntrinsicFunction.TryParse(text, out _, out _));

    // States.StringToJson / JsonToString

    [Fact]
    public void StringToJson_EscapedJson_IsParsed() =>
        AssertJson("{\"foo\":\"bar\"}", Eval("States.StringToJson($.escaped)"));

    [Fact]
    public void StringToJson_EmptyString_IsNull() => Assert.Null(Eval("States.StringToJson($.empty)"));

    [Fact]
    public void StringToJson_LargeInteger_KeepsPrecision() =>
        Assert.Equal("[12345678901234567890]", AslJson.ToJsonString(Eval("States.StringToJson('[12345678901234567890]')")));

    [Fact]
    public void StringToJson_InvalidJson_Fails() => Fails("States.StringToJson('{oops')");

    [Fact]
    public void StringToJson_NotAString_Fails() => Fails("States.StringToJson($.obj)");

    [Fact]
    public void JsonToString_Object_IsCompactJson() =>
        Assert.Equal("{\"a\":1,\"b\":[2]}", Eval("States.JsonToString($.obj)")!.GetValue<string>());

    [Fact]
    public void JsonToString_RoundTripsThroughStringToJson() =>
        AssertJson("{\"a\":1,\"b\":[2]}", Eval("States.StringToJson(States.JsonToString($.obj))"));

    // Arrays

    [Fact]
    public void Array_MixedArguments_BuildsArray() =>
        AssertJson("[\"a\",1,true,null,{\"a\":1,\"b\":[2]},[1,2,3,4,5],-2.5]", Eval("States.Array('a', 1, true, null, $.obj, $.arr, -2.5)"));

    [Fact]
    public void Array_NoArguments_IsEmpty() => AssertJson("[]", Eval("States.Array()"));

    [Fact]
    public void Array_SamePathTwice_ClonesEachTime() =>
        AssertJson("[{\"a\":1,\"b\":[2]},{\"a\":1,\"b\":[2]}]", Eval("States.Array($.obj, $.obj)"));

    [Theory]
    [InlineData("States.ArrayPartition($.arr, 2)", "[[1,2],[3,4],[5]]")]
    [InlineData("States.ArrayPartition($.arr, 5)", "[[1,2,3,4,5]]")]
    [InlineData("States.ArrayPartition($.arr, 10)", "[[1,2,3,4,5]]")]
    [InlineData("States.ArrayPartition(States.Array(), 2)", "[]")]
    public void ArrayPartition_Chunks(string text, string expected) => AssertJson(expected, Eval(text));

    [Theory]
    [InlineData("States.ArrayPartition($.arr, 0)")]
    [InlineData("States.ArrayPartition($.arr, -1)")]
    [InlineData("States.ArrayPartition($.arr, 1.5)")]
    [InlineData("States.ArrayPartition($.obj, 1)")]
    [InlineData("States.ArrayPartition($.arr, '2')")]
    public void ArrayPartition_BadArguments_Fail(string text) => Fails(text);

    [Theory]
    [InlineData("States.ArrayContains($.arr, 3)", true)]
    [InlineData("States.ArrayContains($.arr, 3.0)", true)]
    [InlineData("States.ArrayContains($.arr, '3')", false)]
    [InlineData("States.ArrayContains($.dup, $.obj)", false)]
    [InlineData("States.ArrayContains($.dup, null)", true)]
    [InlineData("States.ArrayContains($.dup, States.StringToJson('{\"x\":1}'))", true)]
    public void ArrayContains_ComparesByValue(string text, bool expected) =>
        Assert.Equal(expected, Eval(text)!.GetValue<bool>());

    [Fact]
    public void ArrayContains_NotAnArray_Fails() => Fails("States.ArrayContains($.obj, 1)");

    [Theory]
    [InlineData("States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]")]
    [InlineData("States.ArrayRange(1, 10, 2)", "[1,3,5,7,9]")]
    [InlineData("States.ArrayRange(0, 0, 1)", "[0]")]
    [InlineData("States.ArrayRange(5, 1, -2)", "[5,3,1]")]
    [InlineData("States.ArrayRange(1, 0, 1)", "[]")]
    [InlineData("States.ArrayRange(0, 0, -1)", "[0]")]
    [InlineData("States.ArrayRange(0, 3, -1)", "[]")]
    [InlineData("States.ArrayRange($.n, 4, 1)", "[3,4]")]
    public void ArrayRange_BuildsTheRange(string text, string expected) => AssertJson(expected, Eval(text));

    [Fact]
    public void ArrayRange_ThousandItems_IsAllowed() => Assert.Equal(1000, Eval("States.ArrayRange(1, 1000, 1)")!.AsArray().Count);

    [Theory]
    [InlineData("States.ArrayRange(1, 1001, 1)")]
    [InlineData("States.ArrayRange(0, 1000000000, 1)")]
    [InlineData("States.ArrayRange(1, 5, 0)")]
    [InlineData("States.ArrayRange(1.5, 5, 1)")]
    [InlineData("States.ArrayRange('1', 5, 1)")]
    public void ArrayRange_BadArguments_Fail(string text) => Fails(text);

    [Theory]
    [InlineData("States.ArrayGetItem($.arr, 0)", "1")]
    [InlineData("States.ArrayGetItem($.arr, 4)", "5")]
    [InlineData("States.ArrayGetItem($.dup, 3)", "{\"x\":1}")]
    [InlineData("States.ArrayGetItem($.arr, $.n)", "4")]
    public void ArrayGetItem_ReturnsTheItem(string text, string expected) => AssertJson(expected, Eval(text));

    [Theory]
    [InlineData("States.ArrayGetItem($.arr, 5)")]
    [InlineData("States.ArrayGetItem($.arr, -1)")]
    [InlineData("States.ArrayGetItem($.arr, 'x')")]
    [InlineData("States.ArrayGetItem($.obj, 0)")]
    public void ArrayGetItem_BadArguments_Fail(string text) => Fails(text);

    [Theory]
    [InlineData("States.ArrayLength($.arr)", 5)]
    [InlineData("States.ArrayLength(States.Array())", 0)]
    public void ArrayLength_CountsItems(string text, long expected) => Assert.Equal(expected, Eval(text)!.GetValue<long>());

    [Fact]
    public void ArrayLength_NotAnArray_Fails() => Fails("States.ArrayLength($.name)");

    [Fact]
    public void ArrayUnique_RemovesDuplicatesByValueKeepingFirst() =>
        AssertJson("[1,\"a\",{\"x\":1},null]", Eval("States.ArrayUnique($.dup)"));

    [Fact]
    public void ArrayUnique_NotAnArray_Fails() => Fails("States.ArrayUnique($.obj)");

    // Encoding and hashing

    [Theory]
    [InlineData("States.Base64Encode('Data to encode')", "RGF0YSB0byBlbmNvZGU=")]
    [InlineData("States.Base64Encode('')", "")]
    [InlineData("States.Base64Encode('é')", "w6k=")]
    [InlineData("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "Data to encode")]
    [InlineData("States.Base64Decode(States.Base64Encode($.name))", "Arnav")]
    public void Base64_EncodesAndDecodesUtf8(string text, string expected) =>
        Assert.Equal(expected, Eval(text)!.GetValue<string>());

    [Theory]
    [InlineData("States.Base64Decode('not base64!')")]
    [InlineData("States.Base64Decode('/w==')")]
    [InlineData("States.Base64Encode($.n)")]
    [InlineData("States.Base64Decode($.arr)")]
    public void Base64_BadArguments_Fail(string text) => Fails(text);

    [Fact]
    public void Base64Encode_OverTenThousandCharacters_Fails()
    {
        var input = $"{{\"s\":\"{new string('a', 10001)}\"}}";
        Fails("States.Base64Encode($.s)", input);
        Assert.Equal(13336, Eval("States.Base64Encode($.s)", $"{{\"s\":\"{new string('a', 10000)}\"}}")!.GetValue<string>().Length);
    }

    [Theory]
    [InlineData("MD5")]
    [InlineData("SHA-1")]
    [InlineData("SHA-256")]
    [InlineData("SHA-384")]
    [InlineData("SHA-512")]
    public void Hash_Algorithm_ProducesLowercaseHex(string algorithm)
    {
#pragma warning disable CA5350, CA5351 // The weak algorithms are what States.Hash offers.
        var expected = algorithm switch
        {
            "MD5" => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("input data"u8)),
            "SHA-1" => Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData("input data"u8)),
            "SHA-256" => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("input data"u8)),
            "SHA-384" => Convert.ToHexStringLower(System.Security.Cryptography.SHA384.HashData("input data"u8)),
            _ => Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData("input data"u8)),
        };
#pragma warning restore CA5350, CA5351
        Assert.Equal(expected, Eval($"States.Hash('input data', '{algorithm}')")!.GetValue<string>());
    }

    [Fact]
    public void Hash_KnownMd5_MatchesReference() =>
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Eval("States.Hash('abc', 'MD5')")!.GetValue<string>());

    [Fact]
    public void Hash_KnownSha256_MatchesReference() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Eval("States.Hash('abc', 'SHA-256')")!.GetValue<string>());

    [Theory]
    [InlineData("States.Hash('x', 'SHA256')")]
    [InlineData("States.Hash('x', 'sha-256')")]
    [InlineData("States.Hash($.n, 'MD5')")]
    [InlineData("States.Hash('x', $.n)")]
    public void Hash_BadArguments_Fail(string text) => Fails(text);

    [Fact]
    public void Hash_OverTenThousandCharacters_Fails() =>
        Fails("States.Hash($.s, 'MD5')", $"{{\"s\":\"{new string('a', 10001)}\"}}");

    // JsonMerge

    [Fact]
    public void JsonMerge_Shallow_RightWins() =>
        AssertJson("{\"a\":1,\"b\":3,\"c\":4}", Eval("States.JsonMerge($.obj, $.other, false)"));

    [Fact]
    public void JsonMerge_DoesNotMergeNestedObjects() =>
        AssertJson("{\"a\":{\"y\":2}}", Eval("States.JsonMerge($.l, $.r, false)", "{\"l\":{\"a\":{\"x\":1}},\"r\":{\"a\":{\"y\":2}}}"));

    [Fact]
    public void JsonMerge_Deep_IsRefused() =>
        Assert.Contains("deep", Fails("States.JsonMerge($.obj, $.other, true)").Cause, StringComparison.Ordinal);

    [Theory]
    [InlineData("States.JsonMerge($.arr, $.other, false)")]
    [InlineData("States.JsonMerge($.obj, 'x', false)")]
    [InlineData("States.JsonMerge($.obj, $.other, 'false')")]
    public void JsonMerge_BadArguments_Fail(string text) => Fails(text);

    // Math

    [Theory]
    [InlineData("States.MathAdd(1, 2)", 3)]
    [InlineData("States.MathAdd(-9, 3)", -6)]
    [InlineData("States.MathAdd(1.49, 1.5)", 3)]
    [InlineData("States.MathAdd(1.5, 1.51)", 4)]
    [InlineData("States.MathAdd(-1.49, -1.5)", -2)]
    [InlineData("States.MathAdd($.neg, 0)", 0)]
    [InlineData("States.MathAdd($.half, $.n)", 5)]
    [InlineData("States.MathAdd(-2.5, 0)", -2)]
    [InlineData("States.MathAdd(2147483646, 1)", 2147483647)]
    public void MathAdd_RoundsHalfUpLikeJava(string text, long expected)
    {
        var result = Eval(text)!;
        Assert.Equal(expected, result.GetValue<long>());
        Assert.DoesNotContain(".", result.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("States.MathAdd('1', 2)")]
    [InlineData("States.MathAdd(1, $.nul)")]
    [InlineData("States.MathAdd(2147483647, 1)")]
    [InlineData("States.MathAdd($.big, 1)")]
    public void MathAdd_BadArguments_Fail(string text) => Fails(text);

    [Fact]
    public void MathRandom_WithoutSeed_UsesTheEntropySource()
    {
        var entropy = new FixedEntropy(Guid.Empty, offset: 5);
        Assert.Equal(6, Eval("States.MathRandom(1, 999)", entropy: entropy)!.GetValue<long>());
        Assert.Equal((1, 999), Assert.Single(entropy.Calls));
    }

    [Fact]
    public void MathRandom_WithSeed_IsDeterministicAndInRange()
    {
        var first = Eval("States.MathRandom(0, 1000, 42)")!.GetValue<long>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(first, Eval("States.MathRandom(0, 1000, 42)")!.GetValue<long>());
        }

        // java.util.Random(42).nextInt(1000) is 130 and Random(7).nextInt(100) is 36: the seeded generator is Java's.
        Assert.Equal(130, first);
        Assert.Equal(36, Eval("States.MathRandom(0, 100, 7)")!.GetValue<long>());
        Assert.Equal(46, Eval("States.MathRandom(10, 110, 7)")!.GetValue<long>());
        for (var seed = 0; seed < 50; seed++)
        {
            var value = Eval($"States.MathRandom(10, 20, {seed})")!.GetValue<long>();
            Assert.InRange(value, 10, 19);
        }
    }

    [Fact]
    public void MathRandom_NonIntegerBounds_AreRoundedLikeAws()
    {
        var entropy = new FixedEntropy(Guid.Empty);
        _ = Eval("States.MathRandom(1.5, 9.49)", entropy: entropy);
        Assert.Equal((2, 9), Assert.Single(entropy.Calls));
        Assert.Equal(Eval("States.MathRandom(0, 1000, 42)")!.GetValue<long>(), Eval("States.MathRandom(0.4, 999.5, 41.5)")!.GetValue<long>());
    }

    [Theory]
    [InlineData("States.MathRandom(5, 5)")]
    [InlineData("States.MathRandom(10, 1)")]
    [InlineData("States.MathRandom('1', 5)")]
    [InlineData("States.MathRandom(-2147483648, 2147483647, 1)")]
    [InlineData("States.MathRandom(1, 5, 'seed')")]
    [InlineData("States.MathRandom(1, 3000000000)")]
    public void MathRandom_BadArguments_Fail(string text) => Fails(text);

    // Strings and ids

    [Theory]
    [InlineData("States.StringSplit('1,2,3,4,5', ',')", "[\"1\",\"2\",\"3\",\"4\",\"5\"]")]
    [InlineData("States.StringSplit($.csv, ',;')", "[\"a\",\"b\",\"c\",\"d\"]")]
    [InlineData("States.StringSplit('This.is+a,test=string', '.+,=')", "[\"This\",\"is\",\"a\",\"test\",\"string\"]")]
    [InlineData("States.StringSplit('abc', '')", "[\"abc\"]")]
    [InlineData("States.StringSplit('', ',')", "[]")]
    [InlineData("States.StringSplit(',,,', ',')", "[]")]
    public void StringSplit_DelimiterIsASetOfCharacters(string text, string expected) => AssertJson(expected, Eval(text));

    [Theory]
    [InlineData("States.StringSplit($.arr, ',')")]
    [InlineData("States.StringSplit('a', 1)")]
    public void StringSplit_BadArguments_Fail(string text) => Fails(text);

    [Fact]
    public void Uuid_ComesFromTheEntropySource()
    {
        var guid = Guid.Parse("0f3e8a4e-6c1b-4d57-9c39-5e3b1f6b1a2d");
        Assert.Equal("0f3e8a4e-6c1b-4d57-9c39-5e3b1f6b1a2d", Eval("States.UUID()", entropy: new FixedEntropy(guid))!.GetValue<string>());
    }

    // Nesting, variables and missing paths

    [Fact]
    public void Nested_IntrinsicsCompose() =>
        Assert.Equal("Length 3, item 4, parts [[1, 2], [3, 4], [5]]",
            Eval("States.Format('Length {}, item {}, parts {}', States.ArrayLength(States.Array(1, 2, 3)), States.ArrayGetItem($.arr, States.MathAdd(1, 2)), States.ArrayPartition($.arr, 2))")!.GetValue<string>());

    [Fact]
    public void Arguments_FromVariables_AreRead()
    {
        var variables = new Dictionary<string, JsonNode?> { ["who"] = JsonValue.Create("Ada"), ["list"] = AslJson.Parse("[5,6]") };
        Assert.Equal("Ada has 2", Eval("States.Format('{} has {}', $who, States.ArrayLength($list))", variables: variables)!.GetValue<string>());
    }

    [Fact]
    public void Arguments_FullJsonPath_IsAllowed() =>
        AssertJson("[3,4,5]", Eval("States.Array($.arr[2:])")![0]);

    [Fact]
    public void Arguments_MissingPath_RaisesTheCallersErrorWithFieldCause()
    {
        var e = Assert.Throws<AslException>(() => Eval("States.Format('{}', $.nope)", "{\"a\":1}"));
        Assert.Equal(ErrorNames.Runtime, e.Error);
        Assert.Equal("The JSONPath '$.nope' specified for the field 'field.$' could not be found in the input '{\"a\":1}'", e.Cause);
    }

    [Theory]
    [InlineData("States.Format('{}', $.s)")]
    [InlineData("States.JsonToString($)")]
    [InlineData("States.ArrayUnique(States.Array($.s, $.s))")]
    [InlineData("States.Hash($.s, 'MD5')")]
    public void Evaluate_LoneSurrogateInInput_RaisesRuntimeError(string text)
    {
        var e = Assert.Throws<AslException>(() => Eval(text, "{\"s\":\"\\uD83D\"}"));
        Assert.Equal(ErrorNames.Runtime, e.Error);
    }

    [Fact]
    public void Evaluate_ResultHasNoParentAndInputIsUntouched()
    {
        var context = Context(Input);
        var before = AslJson.ToJsonString(context.Input);
        Assert.True(IntrinsicFunction.TryParse("States.ArrayGetItem($.dup, 3)", out var function, out _));
        var result = function!.Evaluate(context, ErrorNames.Runtime, "x.$");
        Assert.Null(result!.Parent);
        _ = new JsonObject { ["a"] = result };
        Assert.Equal(before, AslJson.ToJsonString(context.Input));
    }

    [Fact]
    public void Evaluate_LiteralArgument_IsFreshEachTime()
    {
        Assert.True(IntrinsicFunction.TryParse("States.Array('a')", out var function, out _));
        var context = Context("{}");
        var first = function!.Evaluate(context, ErrorNames.Runtime, "x.$");
        var second = function.Evaluate(context, ErrorNames.Runtime, "x.$");
        Assert.NotSame(first![0], second![0]);
    }

    // Parsing

    [Theory]
    [InlineData("States.Unknown(1)", "is not an intrinsic function")]
    [InlineData("States.Array(", "position")]
    [InlineData("States.Array(1,)", "position")]
    [InlineData("States.Array(1 2)", "position")]
    [InlineData("States.Array('open)", "not closed")]
    [InlineData("States.Array(foo)", "position")]
    [InlineData("States.Array(1) extra", "position")]
    [InlineData("States.UUID(1)", "takes 0 arguments")]
    [InlineData("States.MathAdd(1)", "takes 2 arguments")]
    [InlineData("States.MathRandom(1)", "takes 2 or 3 arguments")]
    [InlineData("States.JsonMerge($.a, $.b)", "takes 3 arguments")]
    [InlineData("States.Array($.a[)", "position")]
    [InlineData("States.Array(1.2.3)", "not a number")]
    [InlineData("States.Array(-)", "not a number")]
    [InlineData("Format('x')", "must start with 'States.'")]
    [InlineData("", "must start with 'States.'")]
    public void TryParse_Invalid_ExplainsWhere(string text, string expected)
    {
        Assert.False(IntrinsicFunction.TryParse(text, out var function, out var error));
        Assert.Null(function);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Valid_ExposesTheTree()
    {
        Assert.True(IntrinsicFunction.TryParse("States.Format('{}', States.UUID())", out var function, out _));
        Assert.Equal("States.Format", function!.Name);
        Assert.Equal(IntrinsicKind.Format, function.Kind);
        Assert.Equal("States.Format('{}', States.UUID())", function.ToString());
    }

    [Theory]
    [InlineData("States.Format('a\\b')")]
    [InlineData("States.Format('x\\ y')")]
    [InlineData("States.Format('\\n')")]
    public void TryParse_OpenEscapeBackslash_Fails(string text)
    {
        Assert.False(IntrinsicFunction.TryParse(text, out _, out var error));
        Assert.Contains("open escape", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TenNestedFunctions_IsAllowedButElevenIsNot()
    {
        static string Nest(int depth) => string.Concat(Enumerable.Repeat("States.Array(", depth)) + new string(')', depth);
        Assert.True(IntrinsicFunction.TryParse(Nest(10), out _, out _));
        Assert.False(IntrinsicFunction.TryParse(Nest(11), out _, out _));
    }

    [Fact]
    public void Evaluate_AwsNineFunctionExample_BuildsTheName() =>
        Assert.Equal("my.recipe", Eval("States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.Arn, '/'), 2), '.'), 1))", "{\"Arn\":\"arn:aws:imagebuilder:us-east-1:1:image-recipe/x/my.recipe.1\"}")!.GetValue<string>());

    [Fact]
    public void TryParse_DeeplyNested_FailsWithoutThrowing()
    {
        var text = string.Concat(Enumerable.Repeat("States.Array(", 100)) + new string(')', 100);
        Assert.False(IntrinsicFunction.TryParse(text, out _, out var error));
        Assert.Contains("nested too deeply", error, StringComparison.Ordinal);
    }
}
