using System.Text.Json.Nodes;

namespace Hybrid.Jsonata.Tests;

public sealed class JsonataExpressionTests
{
    private static readonly JsonNode Orders = JsonNode.Parse("""{"Account":{"Order":[{"Product":[{"Price":1}]}]}}""")!;

    private static JsonataValue Eval(string expression, JsonNode? input = null, JsonataBindings? bindings = null, JsonataOptions? options = null) =>
        JsonataExpression.Compile(expression).Evaluate(input, bindings, options);

    private static JsonataException Fails(string expression, JsonNode? input = null, JsonataBindings? bindings = null, JsonataOptions? options = null) =>
        Assert.Throws<JsonataException>(() => JsonataExpression.Compile(expression).Evaluate(input, bindings, options));

    // Expected code, position and token are those of the reference implementation (jsonata 2.0.6 under node).
    [Theory]
    [InlineData("Account.", "S0207", 8, "(end)", "Unexpected end of expression")]
    [InlineData("1 +", "S0207", 3, "(end)", "Unexpected end of expression")]
    [InlineData("(1 + 2", "S0203", 6, "(end)", "Expected \")\" before end of expression")]
    [InlineData("[1,2,3", "S0203", 6, "(end)", "Expected \"]\" before end of expression")]
    [InlineData("\"abc", "S0101", 4, null, "String literal must be terminated by a matching quote")]
    [InlineData("1..5", "S0201", 3, "..", "Syntax error: \"..\"")]
    [InlineData("/a", "S0302", 2, null, "No terminating / in regular expression")]
    [InlineData("**.@$x", "S0211", 4, "@", "The symbol \"@\" cannot be used as a unary operator")]
    public void Compile_SyntaxError_ReportsCodePositionTokenAndMessage(string expression, string code, int position, string? token, string message)
    {
        var ex = Assert.Throws<JsonataException>(() => JsonataExpression.Compile(expression));

        Assert.Equal(code, ex.Code);
        Assert.Equal(position, ex.Position);
        Assert.Equal(token, ex.Token);
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("1 + 'a'", "T2002", 3, "+", "The right side of the \"+\" operator must evaluate to a number")]
    [InlineData("$sum('x')", "T0412", 5, "sum", "Argument 1 of function \"sum\" must be an array of \"numbers\"")]
    [InlineData("Account.Order[0].Product[0].Price < 'a'", "T2009", 35, "<",
        "The values 1 and \"a\" either side of operator \"<\" must be of the same data type")]
    [InlineData("$undefinedfn()", "T1006", 13, "undefinedfn", "Attempted to invoke a non-function")]
    [InlineData("foo()", "T1006", 4, "foo", "Attempted to invoke a non-function")]
    [InlineData("-'x'", "D1002", 1, "-", "Cannot negate a non-numeric value: \"x\"")]
    public void Evaluate_DynamicError_ReportsCodePositionTokenAndMessage(string expression, string code, int position, string token, string message)
    {
        var ex = Fails(expression, Orders);

        Assert.Equal(code, ex.Code);
        Assert.Equal(position, ex.Position);
        Assert.Equal(token, ex.Token);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Evaluate_MissingField_IsUndefinedNotNull()
    {
        var result = Eval("nothing", Orders);

        Assert.True(result.IsUndefined);
        Assert.Equal(JsonataValue.Undefined, result);
    }

    [Fact]
    public void Evaluate_NullLiteral_IsJsonNull()
    {
        var result = Eval("null");

        Assert.False(result.IsUndefined);
        Assert.Null(result.Node);
        Assert.Equal(JsonataValue.Null, result);
    }

    [Fact]
    public void Evaluate_UndefinedInput_DiffersFromNullInput()
    {
        var expr = JsonataExpression.Compile("$exists($)");

        Assert.Equal("false", expr.Evaluate(JsonataValue.Undefined).ToString());
        Assert.Equal("true", expr.Evaluate(JsonataValue.Null).ToString());
        Assert.Equal("true", expr.Evaluate((JsonNode?)null).ToString());
    }

    [Fact]
    public void TryEvaluate_ReportsWhetherThereIsAValue()
    {
        var expr = JsonataExpression.Compile("Account.Order.Product.Price");

        Assert.True(expr.TryEvaluate(Orders, out var price));
        Assert.Equal(1, price!.GetValue<long>());
        Assert.False(JsonataExpression.Compile("Account.Missing").TryEvaluate(Orders, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Evaluate_UndefinedInsideArraysAndObjects_FollowsJsonRules()
    {
        Assert.Equal("""{"a":1}""", Eval("{'a': 1, 'b': nothing}").ToString());
        Assert.Equal("[1]", Eval("[1, nothing]").ToString());
    }

    [Theory]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("$string(0.1 + 0.2)", "\"0.3\"")]
    [InlineData("$string(1e21)", "\"1e+21\"")]
    [InlineData("$string(1e-7)", "\"1e-7\"")]
    [InlineData("$string(123456789012345680000)", "\"123456789012346000000\"")]
    [InlineData("$string(0.000001)", "\"0.000001\"")]
    [InlineData("$string(-1.5e300)", "\"-1.5e+300\"")]
    [InlineData("2 * 3", "6")]
    [InlineData("$string(6 / 4)", "\"1.5\"")]
    [InlineData("$string([1, 2.5, {'a': 1e21}])", "\"[1,2.5,{\\\"a\\\":1e+21}]\"")]
    public void Numbers_FormatLikeJavaScript(string expression, string json) => Assert.Equal(json, Eval(expression).ToString());

    // Found by comparing with the reference under node on expressions outside the suite.
    [Theory]
    [InlineData("$uppercase('straße')", "\"STRASSE\"")]
    [InlineData("$uppercase('ﬁ')", "\"FI\"")]
    [InlineData("$lowercase('ΟΔΟΣ')", "\"οδος\"")]
    [InlineData("$toMillis('2023-02-30')", "1677715200000")]
    [InlineData("$toMillis('2023-11-14T22:13:20+01:00')", "1699996400000")]
    public void Functions_MatchJavaScriptOutsideTheSuite(string expression, string json) =>
        Assert.Equal(json, Eval(expression).ToString());

    [Fact]
    public void Numbers_IntegersStayIntegers()
    {
        var node = Eval("$sum([1, 2, 3])").Node!.AsValue();

        Assert.True(node.TryGetValue(out long l));
        Assert.Equal(6, l);
        Assert.Equal("6", node.ToJsonString());
    }

    [Fact]
    public void Bindings_ValuesAndFunctions_AreVisibleAsVariables()
    {
        var bindings = new JsonataBindings()
            .Bind("rate", JsonValue.Create(2))
            .BindFunction("twice", args => JsonValue.Create(Number(args[0]) * 2), "<n:n>");

        Assert.Equal("8", Eval("$twice($rate * 2)", bindings: bindings).ToString());
    }

    [Fact]
    public void Bindings_FunctionSignature_IsEnforcedAndSuppliesContext()
    {
        var bindings = new JsonataBindings()
            .BindFunction("shout", args => JsonValue.Create(args[0].Node!.GetValue<string>().ToUpperInvariant() + "!"), "<s-:s>");

        Assert.Equal("\"HI!\"", Eval("name.$shout()", JsonNode.Parse("""{"name":"hi"}"""), bindings).ToString());
        Assert.Equal("T0410", Fails("$shout(1)", bindings: bindings).Code);
    }

    [Fact]
    public void Bindings_HostFunctionsWorkWithHigherOrderFunctions()
    {
        var bindings = new JsonataBindings().BindFunction("inc", args => JsonValue.Create(Number(args[0]) + 1), "<n:n>");

        Assert.Equal("[2,3,4]", Eval("$map([1,2,3], $inc)", bindings: bindings).ToString());
    }

    [Fact]
    public void Bindings_HostFunctionArity_DecidesWhatHigherOrderFunctionsPass()
    {
        var bindings = new JsonataBindings()
            .BindFunction("pair", args => JsonValue.Create($"{args[0]}@{(args.Count > 1 ? args[1].ToString() : "-")}"), arity: 2)
            .BindFunction("one", args => JsonValue.Create($"{args[0]}/{args.Count}"), arity: 1);

        Assert.Equal("""["1@0","2@1"]""", Eval("$map([1,2], $pair)", bindings: bindings).ToString());
        Assert.Equal("""["1/1","2/1"]""", Eval("$map([1,2], $one)", bindings: bindings).ToString());
    }

    [Fact]
    public void Bindings_LayeredOverParent_SeeParentNamesAndShadowThem()
    {
        var shared = new JsonataBindings().Bind("a", JsonValue.Create(1)).Bind("b", JsonValue.Create(2)).Hide("eval");
        var layer = new JsonataBindings(shared).Bind("b", JsonValue.Create(20));

        Assert.Equal("[1,20]", Eval("[$a, $b]", bindings: layer).ToString());
        Assert.Equal("[1,2]", Eval("[$a, $b]", bindings: shared).ToString());
        Assert.Equal("T1006", Fails("$eval('1')", bindings: layer).Code);
    }

    [Fact]
    public void Bindings_Document_IsBoundWithoutConversionAndAssembledIntoObjects()
    {
        var input = JsonataDocument.From(JsonNode.Parse("""{"n":[1,2,3]}"""));
        var states = JsonataDocument.Object([new("input", input), new("missing", JsonataDocument.Undefined)]);
        var bindings = new JsonataBindings().Bind("states", states);

        Assert.Equal("6", Eval("$sum($states.input.n)", bindings: bindings).ToString());
        Assert.Equal("\"input\"", Eval("$keys($states)", bindings: bindings).ToString());
        Assert.Equal("""{"n":[1,2,3]}""", Eval("$states.input", bindings: bindings).ToString());
    }

    [Fact]
    public void Bindings_HideWithdrawsABuiltIn()
    {
        var bindings = new JsonataBindings().Hide("eval");

        Assert.Equal("[1,2]", Eval("$eval('[1,2]')").ToString());
        Assert.Equal("T1006", Fails("$eval('[1,2]')", bindings: bindings).Code);
    }

    [Fact]
    public void Bindings_CanReplaceABuiltIn()
    {
        var bindings = new JsonataBindings().BindFunction("eval", _ => throw new InvalidOperationException("refused"));

        Assert.Throws<InvalidOperationException>(() => Eval("$eval('1')", bindings: bindings));
    }

    [Fact]
    public void Bindings_HostFunctionErrors_CarryCodeMessageAndCallSite()
    {
        var bindings = new JsonataBindings().BindFunction("partition", _ => throw new JsonataException("States.Runtime", "no partition here"));

        var ex = Fails("1 + $partition()", bindings: bindings);

        Assert.Equal("States.Runtime", ex.Code);
        Assert.Equal("no partition here", ex.Message);
        Assert.Equal("partition", ex.Token);
        Assert.Equal(15, ex.Position);
    }

    [Fact]
    public void Limits_MaxDepth_StopsRunawayRecursion()
    {
        var ex = Fails("($f := function($n){ $n + $f($n - 1) }; $f(1))", options: new JsonataOptions { MaxDepth = 200 });

        Assert.Equal("U1001", ex.Code);
        Assert.Contains("Stack overflow", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_TailCalls_DoNotGrowTheDepth()
    {
        var result = Eval("($count := function($n, $acc){ $n = 0 ? $acc : $count($n - 1, $acc + 1) }; $count(10000, 0))",
            options: new JsonataOptions { MaxDepth = 100 });

        Assert.Equal("10000", result.ToString());
    }

    [Fact]
    public void Limits_TimeLimit_StopsInfiniteLoops()
    {
        var ex = Fails("($f := function(){ $f() }; $f())", options: new JsonataOptions { TimeLimit = TimeSpan.FromMilliseconds(100) });

        Assert.Equal("U1001", ex.Code);
        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_WithoutLimits_DeepRecursionFailsCleanlyInsteadOfCrashing() =>
        OnSmallStack(() =>
        {
            var ex = Fails("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000000))");
            Assert.Equal("U1001", ex.Code);
        });

    [Fact]
    public void Compile_DeeplyNestedExpression_FailsCleanly() =>
        OnSmallStack(() =>
        {
            var text = new string('(', 100000) + "1" + new string(')', 100000);
            var ex = Assert.Throws<JsonataException>(() => JsonataExpression.Compile(text));
            Assert.Equal("U1001", ex.Code);
        });

    // A 256 KiB stack makes the stack guard, not the test's own depth, decide the outcome.
    private static void OnSmallStack(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public void Options_ClockAndRandom_AreInjectable()
    {
        var clock = new FixedClock(DateTimeOffset.Parse("2024-02-29T12:34:56.789Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = new JsonataOptions { TimeProvider = clock, Random = () => 0.25 };

        Assert.Equal("\"2024-02-29T12:34:56.789Z\"", Eval("$now()", options: options).ToString());
        Assert.Equal("1709210096789", Eval("$millis()", options: options).ToString());
        Assert.Equal("0.25", Eval("$random()", options: options).ToString());
        Assert.Equal("true", Eval("$now() = $now()", options: options).ToString());
    }

    [Fact]
    public void Document_CanBeReusedAcrossEvaluations()
    {
        var doc = JsonataDocument.From(JsonNode.Parse("""{"items":[{"n":1},{"n":2}]}"""));
        var sum = JsonataExpression.Compile("$sum(items.n)");
        var changed = JsonataExpression.Compile("items ~> |$|{'n': 10}|");

        Assert.Equal("3", sum.Evaluate(doc).ToString());
        Assert.Equal("""[{"n":10},{"n":10}]""", changed.Evaluate(doc).ToString());
        Assert.Equal("3", sum.Evaluate(doc).ToString());
    }

    [Fact]
    public void Evaluate_IsThreadSafeForACompiledExpression()
    {
        var expr = JsonataExpression.Compile("$sum(Account.Order.Product.(Price * $k))");
        var results = new string[64];
        Parallel.For(0, results.Length, i =>
        {
            results[i] = expr.Evaluate(Orders, new JsonataBindings().Bind("k", JsonValue.Create(i))).ToString();
        });

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), results[i]);
        }
    }

    [Fact]
    public void Evaluate_InputIsNotModifiedByTransforms()
    {
        var input = JsonNode.Parse("""{"a":{"b":1}}""");

        var result = Eval("$ ~> |a|{'b': 2}|", input);

        Assert.Equal("""{"a":{"b":2}}""", result.ToString());
        Assert.Equal("""{"a":{"b":1}}""", input!.ToJsonString());
    }

    [Fact]
    public void Evaluate_FunctionResult_IsReturnedAsEmptyString()
    {
        Assert.Equal("\"\"", Eval("function($x){ $x }").ToString());
    }

    [Fact]
    public void Expression_KeepsItsSource()
    {
        var expr = JsonataExpression.Compile("a.b");

        Assert.Equal("a.b", expr.Source);
        Assert.Equal("a.b", expr.ToString());
    }

    // Integral numbers come out of JSONata as long-backed values, others as double-backed ones.
    private static double Number(JsonataValue value) =>
        value.Node!.AsValue().TryGetValue(out long l) ? l : value.Node!.GetValue<double>();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
