using System.Text.Json.Nodes;
using Hybrid.Jsonata.Internal;

namespace Hybrid.Jsonata;

/// <summary>
/// An input converted once into the evaluator's own representation, for evaluating several expressions (or one
/// expression several times) against the same JSON without converting it each time. A document is immutable as far as
/// evaluation is concerned (transforms work on copies), so it may be shared across evaluations and threads.
/// </summary>
public sealed class JsonataDocument
{
    private JsonataDocument(object? value) => Value = value;

    internal object? Value { get; }

    /// <summary>No input at all (JSONata's undefined).</summary>
    public static JsonataDocument Undefined { get; } = new(null);

    /// <summary>Converts a JSON value (a null node is JSON null).</summary>
    public static JsonataDocument From(JsonNode? node) => new(Convert2.FromNode(node));

    /// <summary>
    /// An object whose members are already converted documents (an undefined member is left out), so that a host can
    /// assemble a value from parts it has converted once.
    /// </summary>
    public static JsonataDocument Object(IEnumerable<KeyValuePair<string, JsonataDocument>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var obj = new JObject();
        foreach (var (key, member) in members)
        {
            if (member.Value is not null)
            {
                obj[key] = member.Value;
            }
        }

        return new JsonataDocument(obj);
    }

    /// <summary>Converts a value, keeping undefined as undefined.</summary>
    public static JsonataDocument From(JsonataValue value) => new(Convert2.FromPublic(value));
}
