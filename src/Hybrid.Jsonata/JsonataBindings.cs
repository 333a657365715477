using System.Text.Json.Nodes;
using Hybrid.Jsonata.Internal;

namespace Hybrid.Jsonata;

/// <summary>
/// Variables and host functions visible to an evaluation as <c>$name</c>. Names are given without the leading
/// <c>$</c>. A binding shadows a built-in function of the same name, so <see cref="Hide"/> can withdraw one (for
/// example <c>eval</c>) and <see cref="BindFunction"/> can replace one. Bindings may be reused across evaluations
/// and threads once built.
/// </summary>
public sealed class JsonataBindings
{
    internal readonly List<(string Name, object? Value)> Entries = [];

    /// <summary>Empty bindings.</summary>
    public JsonataBindings()
    {
    }

    /// <summary>
    /// Bindings layered over <paramref name="parent"/>: the parent's names are visible, and a name bound here shadows
    /// the parent's. A host builds its functions once and layers each evaluation's variables over them.
    /// </summary>
    public JsonataBindings(JsonataBindings? parent)
    {
        Parent = parent;
    }

    internal JsonataBindings? Parent { get; }

    /// <summary>Binds <c>$name</c> to a JSON value (a null node is JSON null).</summary>
    public JsonataBindings Bind(string name, JsonNode? value) => Bind(name, JsonataValue.From(value));

    /// <summary>Binds <c>$name</c> to a value; <see cref="JsonataValue.Undefined"/> makes <c>$name</c> undefined.</summary>
    public JsonataBindings Bind(string name, JsonataValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        Entries.Add((string.Intern(name), Convert2.FromPublic(value)));
        return this;
    }

    /// <summary>Binds <c>$name</c> to a prepared document, without converting it again.</summary>
    public JsonataBindings Bind(string name, JsonataDocument document)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(document);
        Entries.Add((string.Intern(name), document.Value));
        return this;
    }

    /// <summary>
    /// Binds <c>$name</c> to a host function. The optional <paramref name="signature"/> uses JSONata's signature
    /// syntax (for example <c>&lt;s-n?:s&gt;</c>): arguments are validated (error <c>T0410</c>) and a missing
    /// first argument marked <c>-</c> is taken from the context.
    /// </summary>
    public JsonataBindings BindFunction(string name, JsonataFunction function, string? signature = null, int arity = -1)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        var parsed = signature is null ? null : Signature.Parse(signature);
        var host = new HostFunction(name, function, arity >= 0 ? arity : CountParams(signature)) { Signature = parsed };
        Entries.Add((string.Intern(name), host));
        return this;
    }

    /// <summary>Makes <c>$name</c> undefined, hiding a built-in function of that name (calling it raises <c>T1006</c>).</summary>
    public JsonataBindings Hide(string name) => Bind(name, JsonataValue.Undefined);

    private static int CountParams(string? signature)
    {
        if (signature is null)
        {
            return 1;
        }

        var n = 0;
        var depth = 0;
        for (var i = 1; i < signature.Length; i++)
        {
            var c = signature[i];
            if (c == ':' && depth == 0)
            {
                break;
            }

            if (c is '<' or '(')
            {
                depth++;
            }
            else if (c is '>' or ')')
            {
                depth--;
            }
            else if (depth == 0 && c is 's' or 'n' or 'b' or 'l' or 'o' or 'a' or 'f' or 'j' or 'x')
            {
                n++;
            }

            if (c == '(' && depth == 1)
            {
                n++;
            }
        }

        return n;
    }
}
