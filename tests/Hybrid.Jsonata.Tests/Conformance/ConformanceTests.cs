using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Jsonata.Tests.Conformance;

/// <summary>Runs every case of the JSONata 2.0.6 reference suite; excluded cases are reported as skipped.</summary>
public sealed class ConformanceTests
{
    public static TheoryData<string> Included()
    {
        var data = new TheoryData<string>();
        foreach (var id in ConformanceSuite.Cases.Keys)
        {
            if (!ConformanceSuite.Exclusions.ContainsKey(id))
            {
                data.Add(id);
            }
        }

        return data;
    }

    public static TheoryData<string> Excluded()
    {
        var data = new TheoryData<string>();
        foreach (var id in ConformanceSuite.Cases.Keys)
        {
            if (ConformanceSuite.Exclusions.ContainsKey(id))
            {
                data.Add(id);
            }
        }

        return data;
    }

    // Excluded cases (Conformance/exclusions.json) are still listed, as skipped, so the total always counts every case.
    [Theory]
    [MemberData(nameof(Included))]
    [MemberData(nameof(Excluded), Skip = "excluded in Conformance/exclusions.json (the reason is given there)")]
    public void Case_MatchesReference(string id) => Run(ConformanceSuite.Cases[id]);

    [Fact]
    public void Exclusions_NameExistingCasesWithReasons()
    {
        foreach (var (id, reason) in ConformanceSuite.Exclusions)
        {
            Assert.True(ConformanceSuite.Cases.ContainsKey(id), $"exclusion {id} names no case");
            Assert.False(string.IsNullOrWhiteSpace(reason), $"exclusion {id} has no reason");
        }
    }

    internal static void Run(ConformanceCase c)
    {
        var spec = c.Case!.AsObject();
        var options = new JsonataOptions
        {
            MaxDepth = c.Depth ?? 0,
            TimeLimit = c.TimeLimitMs is int ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
        JsonataBindings? bindings = null;
        if (c.Bindings is { Count: > 0 })
        {
            bindings = new JsonataBindings();
            foreach (var kv in c.Bindings)
            {
                bindings.Bind(kv.Key, kv.Value?.DeepClone());
            }
        }

        var expectedCode = spec["code"]?.GetValue<string>() ?? spec["error"]?["code"]?.GetValue<string>();
        if (expectedCode is not null)
        {
            var expected = expectedCode;
            var ex = Assert.Throws<JsonataException>(() =>
            {
                var expr = JsonataExpression.Compile(c.Expression);
                expr.Evaluate(c.Input, bindings, options);
            });
            Assert.Equal(expected, ex.Code);
            return;
        }

        var compiled = JsonataExpression.Compile(c.Expression);
        var actual = compiled.Evaluate(c.Input, bindings, options);
        if (spec.ContainsKey("undefinedResult"))
        {
            Assert.True(actual.IsUndefined, $"expected undefined, got {actual}");
            return;
        }

        Assert.False(actual.IsUndefined, "expected a value, got undefined");
        var expectedResult = spec["result"];
        Assert.True(
            JsonEquals(expectedResult, actual.Node),
            $"expected {expectedResult?.ToJsonString() ?? "null"}, got {actual.Node?.ToJsonString() ?? "null"}");
    }

    /// <summary>Deep equality as chai's deep.equal sees JSON: numbers by value, object keys in any order.</summary>
    internal static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        switch (a)
        {
            case JsonObject oa:
                if (b is not JsonObject ob || oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var kv in oa)
                {
                    if (!ob.TryGetPropertyValue(kv.Key, out var other) || !JsonEquals(kv.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray aa:
                if (b is not JsonArray ab || aa.Count != ab.Count)
                {
                    return false;
                }

                for (var i = 0; i < aa.Count; i++)
                {
                    if (!JsonEquals(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                var ka = a.GetValueKind();
                var kb = b.GetValueKind();
                if (ka != kb)
                {
                    return false;
                }

                return ka switch
                {
                    JsonValueKind.Number => NumbersEqual(a, b),
                    JsonValueKind.String => a.GetValue<string>() == b.GetValue<string>(),
                    _ => true,
                };
        }
    }

    private static bool NumbersEqual(JsonNode a, JsonNode b) =>
        double.Parse(a.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
        == double.Parse(b.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
}
