using System.Text.Json.Nodes;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Expressions;

/// <summary>
/// The JSON skeleton of a compiled template, shared by JSONPath payload templates and JSONata templates: literal parts
/// are copied, objects and arrays are rebuilt, and the leaves that hold an expression are evaluated against
/// <typeparamref name="TEnv"/> (what the template's language evaluates against).
/// </summary>
internal abstract class TemplateNode<TEnv>
{
    /// <summary>New JSON, shared with nothing.</summary>
    public abstract JsonNode? Evaluate(in TEnv env);
}

internal sealed class LiteralNode<TEnv> : TemplateNode<TEnv>
{
    private readonly JsonNode? _value;

    public LiteralNode(JsonNode? value)
    {
        // Built once and only read afterwards, possibly from several threads: materialize System.Text.Json's lazy
        // object and array storage now, so that no later read writes to it.
        AslJson.Materialize(value);
        _value = value;
    }

    public override JsonNode? Evaluate(in TEnv env) => _value?.DeepClone();
}

internal sealed class ObjectNode<TEnv>((string Key, TemplateNode<TEnv> Value)[] members) : TemplateNode<TEnv>
{
    public override JsonNode? Evaluate(in TEnv env)
    {
        var result = new JsonObject();
        foreach (var (key, value) in members)
        {
            // A later member with the same name wins, as in a JSON object read twice.
            result[key] = AslJson.Adopt(value.Evaluate(env));
        }

        return result;
    }
}

internal sealed class ArrayNode<TEnv>(TemplateNode<TEnv>[] items) : TemplateNode<TEnv>
{
    public override JsonNode? Evaluate(in TEnv env)
    {
        var result = new JsonArray();
        foreach (var item in items)
        {
            result.Add(AslJson.Adopt(item.Evaluate(env)));
        }

        return result;
    }
}
