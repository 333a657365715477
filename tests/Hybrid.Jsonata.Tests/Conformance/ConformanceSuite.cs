using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Testing;

namespace Hybrid.Jsonata.Tests.Conformance;

/// <summary>One case of the reference suite (shared/conformance/jsonata-2.0.6).</summary>
internal sealed record ConformanceCase(
    string Id,
    string Expression,
    JsonataValue Input,
    JsonObject? Bindings,
    JsonNode? Case,
    int? Depth,
    int? TimeLimitMs);

/// <summary>Reads the suite as it is: groups/*/*.json (one case or an array of cases), datasets/*.json, *.jsonata files.</summary>
internal static class ConformanceSuite
{
    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceCase>> LazyCases = new(Load);
    private static readonly Lazy<IReadOnlyDictionary<string, string>> LazyExclusions = new(LoadExclusions);

    public static string Root => Path.Combine(RepoPaths.Shared, "conformance", "jsonata-2.0.6");

    public static IReadOnlyDictionary<string, ConformanceCase> Cases => LazyCases.Value;

    public static IReadOnlyDictionary<string, string> Exclusions => LazyExclusions.Value;

    private static IReadOnlyDictionary<string, string> LoadExclusions()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", "exclusions.json");
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in doc["cases"]!.AsObject())
        {
            result[kv.Key] = kv.Value!.GetValue<string>();
        }

        return result;
    }

    private static Dictionary<string, ConformanceCase> Load()
    {
        var datasets = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "datasets"), "*.json"))
        {
            datasets[Path.GetFileNameWithoutExtension(file)] = JsonNode.Parse(File.ReadAllText(file));
        }

        var cases = new Dictionary<string, ConformanceCase>(StringComparer.Ordinal);
        foreach (var groupDir in Directory.GetDirectories(Path.Combine(Root, "groups")).Order(StringComparer.Ordinal))
        {
            var group = Path.GetFileName(groupDir);
            foreach (var file in Directory.GetFiles(groupDir, "*.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var node = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
                if (node is JsonArray array)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        var id = $"{group}/{name}#{i:D3}";
                        cases[id] = Parse(id, groupDir, array[i]!.AsObject(), datasets);
                    }
                }
                else
                {
                    var id = $"{group}/{name}";
                    cases[id] = Parse(id, groupDir, node!.AsObject(), datasets);
                }
            }
        }

        return cases;
    }

    /// <summary>Decodes a JSON string literal, allowing lone surrogates (which System.Text.Json refuses to read).</summary>
    private static string Unescape(string raw)
    {
        var sb = new System.Text.StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var ch = raw[i];
            if (ch != '\\')
            {
                sb.Append(ch);
                continue;
            }

            ch = raw[++i];
            switch (ch)
            {
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    sb.Append((char)Convert.ToInt32(raw.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: sb.Append(ch); break;
            }
        }

        return sb.ToString();
    }

    private static ConformanceCase Parse(string id, string dir, JsonObject c, Dictionary<string, JsonNode?> datasets)
    {
        var expr = c["expr"] is JsonValue ev && ev.TryGetValue(out JsonElement el) ? Unescape(el.GetRawText())
            : File.ReadAllText(Path.Combine(dir, c["expr-file"]!.GetValue<string>()));
        JsonataValue input;
        if (c.ContainsKey("data"))
        {
            input = JsonataValue.From(c["data"]?.DeepClone());
        }
        else if (c["dataset"] is JsonValue ds && ds.GetValueKind() == JsonValueKind.String)
        {
            input = JsonataValue.From(datasets[ds.GetValue<string>()]?.DeepClone());
        }
        else
        {
            input = JsonataValue.Undefined;
        }

        return new ConformanceCase(
            id,
            expr,
            input,
            c["bindings"] as JsonObject,
            c,
            c["depth"]?.GetValue<int>(),
            c["timelimit"]?.GetValue<int>());
    }
}
