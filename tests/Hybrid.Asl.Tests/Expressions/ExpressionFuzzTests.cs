using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Expressions;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Tests.Expressions;

/// <summary>
/// Seeded random property tests: whatever the text, TryParse never throws, and evaluating whatever parsed only ever
/// raises <see cref="AslException"/>.
/// </summary>
public sealed class ExpressionFuzzTests
{
    private static readonly string[] Seeds =
    [
        "$", "$.a.b", "$['a b'][0]", "$..price", "$.store.book[?(@.price < 10 && @.isbn)].title", "$.a[1:3:2]", "$.a[0,1]",
        "$$.Execution.Id", "$var.x[*]", "$.a[?(@.t =~ /ab.*/i)]", "$.a.length()", "$['x','y']", "$.a[?(@.n in [1,'2',null])]",
        "States.Format('Hello {} \\{\\}', $.name)", "States.Array(1, 'two', true, null, $.a, States.UUID())",
        "States.MathAdd($.n, -1.5)", "States.ArrayRange(1, $.n, 2)", "States.Hash($.s, 'SHA-256')",
        "States.JsonMerge($.o, $.o, false)", "States.StringSplit($.s, ', ')", "States.MathRandom(1, 10, 3)",
        "States.ArrayPartition($.a, 2)", "States.Base64Decode(States.Base64Encode($.s))", "States.StringToJson($.s)",
        "States.ArrayGetItem($.a, $.n)", "States.ArrayUnique($.a)", "States.ArrayContains($.a, $.o)", "States.JsonToString($..*)",
    ];

    private static readonly string Alphabet = "$@.[]()*?:,'\"\\/=!<>&|~-_ 0123456789abcnxyzStates{}\u00e9\t";

    private static readonly string[] Inputs =
    [
        """{"a":[1,2,{"b":null}],"n":3,"s":"x, y","o":{"k":[]},"store":{"book":[{"price":1,"isbn":"i","title":"t"}]},"name":"n"}""",
        "null", "[]", "\"text\"", "12345678901234567890", """{"a":{"b":{"c":[[[]]]}},"n":-1.5,"s":"","o":null}""",
        """{"a":["\uD800",{"k":"\uDC00x"}],"s":"\uD83D","n":1,"o":{"s":"\uDE00"}}""",
    ];

    [Fact]
    public void TryParse_RandomAndMutatedText_NeverThrowsAndEvaluationOnlyRaisesAslException()
    {
        var random = new Random(20261128);
        var variables = new Dictionary<string, JsonNode?> { ["var"] = AslJson.Parse("""{"x":[1,2]}""") };
        var parsed = 0;
        for (var i = 0; i < 20000; i++)
        {
            var text = i % 2 == 0 ? RandomText(random) : Mutate(random, Seeds[random.Next(Seeds.Length)]);
            var input = Inputs[random.Next(Inputs.Length)];
            var context = new ExpressionContext(AslJson.Parse(input), AslJson.Parse("""{"Execution":{"Id":"e"}}"""), variables, new FixedEntropy(Guid.Empty, 1));
            if (JsonPath.TryParse(text, out var path, out var pathError))
            {
                parsed++;
                Assert.Null(pathError);
                EvaluateSafely(text, () => path!.TryEvaluate(context, out _));
                EvaluateSafely(text, () => path!.EvaluateField(context, ErrorNames.Runtime));
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(pathError));
            }

            if (IntrinsicFunction.TryParse(text, out var function, out var intrinsicError))
            {
                parsed++;
                EvaluateSafely(text, () => function!.Evaluate(context, ErrorNames.Runtime, "f.$"));
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(intrinsicError));
            }

            var template = new JsonObject { ["v.$"] = text };
            if (PayloadTemplate.Compile(template, out var errors) is { } compiled)
            {
                Assert.Empty(errors);
                EvaluateSafely(text, () => compiled.Evaluate(context, ErrorNames.Runtime));
            }
            else
            {
                Assert.Single(errors);
            }
        }

        // The mutations keep a good share of the texts valid, so evaluation is exercised too.
        Assert.True(parsed > 2000, $"only {parsed} texts parsed");
    }

    private static void EvaluateSafely(string text, Action evaluate)
    {
        try
        {
            evaluate();
        }
        catch (AslException)
        {
            // The only failure evaluation may raise.
        }
        catch (Exception e)
        {
            Assert.Fail($"'{text}' raised {e.GetType().Name}: {e.Message}");
        }
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder(random.Next(2) == 0 ? "$" : "States.");
        var length = random.Next(0, 25);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    private static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        var edits = random.Next(0, 4);
        for (var i = 0; i < edits && builder.Length > 0; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0:
                    builder.Remove(at, 1);
                    break;
                case 1:
                    builder.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                default:
                    builder[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
            }
        }

        return builder.ToString();
    }
}
