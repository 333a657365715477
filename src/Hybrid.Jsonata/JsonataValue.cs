using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Jsonata;

/// <summary>
/// A JSONata value as JSON: either <see cref="Undefined"/> (JSONata's "no value", which is not JSON null) or a
/// <see cref="JsonNode"/>, where a null <see cref="Node"/> is JSON null.
/// </summary>
public readonly struct JsonataValue : IEquatable<JsonataValue>
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly bool _defined;

    private JsonataValue(JsonNode? node)
    {
        Node = node;
        _defined = true;
    }

    /// <summary>The undefined value: an expression that selects nothing evaluates to it.</summary>
    public static JsonataValue Undefined => default;

    /// <summary>JSON null.</summary>
    public static JsonataValue Null => new(null);

    /// <summary>True when this is JSONata's undefined (no value at all).</summary>
    public bool IsUndefined => !_defined;

    /// <summary>The JSON value; null means JSON null (check <see cref="IsUndefined"/> first).</summary>
    public JsonNode? Node { get; }

    /// <summary>Wraps a JSON value; a null node is JSON null.</summary>
    public static JsonataValue From(JsonNode? node) => new(node);

    /// <summary>Wraps a JSON value; a null node is JSON null.</summary>
    public static implicit operator JsonataValue(JsonNode? node) => new(node);

    /// <summary>The compact JSON text of the value (non-ASCII and HTML characters unescaped), or "undefined".</summary>
    public override string ToString() => IsUndefined ? "undefined" : Node?.ToJsonString(Relaxed) ?? "null";

    /// <summary>Both undefined, or JSON values that are deeply equal.</summary>
    public bool Equals(JsonataValue other) =>
        IsUndefined == other.IsUndefined && (IsUndefined || JsonNode.DeepEquals(Node, other.Node));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JsonataValue v && Equals(v);

    /// <inheritdoc/>
    public override int GetHashCode() => IsUndefined ? 0 : ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Value equality (see <see cref="Equals(JsonataValue)"/>).</summary>
    public static bool operator ==(JsonataValue left, JsonataValue right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(JsonataValue left, JsonataValue right) => !left.Equals(right);
}

/// <summary>A function supplied by the host and callable from expressions as <c>$name(...)</c>.</summary>
/// <param name="args">The arguments, after signature validation when a signature was given.</param>
/// <returns>The result; <see cref="JsonataValue.Undefined"/> for no value.</returns>
public delegate JsonataValue JsonataFunction(IReadOnlyList<JsonataValue> args);
