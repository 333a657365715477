using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Jsonata.Internal;

/// <summary>Conversions between System.Text.Json nodes and the internal value model.</summary>
internal static class Convert2
{
    public static object? FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JNull.Instance;
            case JsonObject o:
            {
                var r = new JObject(o.Count);
                foreach (var kv in o)
                {
                    r[kv.Key] = FromNode(kv.Value);
                }

                return r;
            }

            case JsonArray a:
            {
                var r = new JList(a.Count);
                foreach (var item in a)
                {
                    r.Add(FromNode(item));
                }

                return r;
            }

            case JsonValue v:
                return FromValue(v);
            default:
                return JNull.Instance;
        }
    }

    private static object? FromValue(JsonValue v)
    {
        if (v.TryGetValue(out JsonElement el))
        {
            return FromElement(el);
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return v.GetValue<string>();
            case JsonValueKind.True:
                return V.True;
            case JsonValueKind.False:
                return V.False;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return JNull.Instance;
            case JsonValueKind.Number:
                if (v.TryGetValue(out double d))
                {
                    return V.Num(d);
                }

                if (v.TryGetValue(out long l))
                {
                    return V.Num(l);
                }

                if (v.TryGetValue(out int i))
                {
                    return V.Num(i);
                }

                if (v.TryGetValue(out decimal m))
                {
                    return V.Num((double)m);
                }

                if (v.TryGetValue(out float f))
                {
                    return V.Num(f);
                }

                if (v.TryGetValue(out ulong ul))
                {
                    return V.Num(ul);
                }

                return V.Num(double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
            default:
                return FromElement(JsonSerializer.SerializeToElement(v));
        }
    }

    public static object? FromElement(JsonElement el)
    {
        switch (el.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var r = new JObject();
                foreach (var p in el.EnumerateObject())
                {
                    r[p.Name] = FromElement(p.Value);
                }

                return r;
            }

            case JsonValueKind.Array:
            {
                var r = new JList(el.GetArrayLength());
                foreach (var item in el.EnumerateArray())
                {
                    r.Add(FromElement(item));
                }

                return r;
            }

            case JsonValueKind.String:
                return el.GetString();
            case JsonValueKind.Number:
                return V.Num(el.GetDouble());
            case JsonValueKind.True:
                return V.True;
            case JsonValueKind.False:
                return V.False;
            default:
                return JNull.Instance;
        }
    }

    /// <summary>Internal value to JSON: undefined members are dropped, undefined array items become null, functions become "".</summary>
    public static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null:
            case JNull:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case double d:
                if (double.IsInteger(d) && Math.Abs(d) < 9007199254740992.0)
                {
                    return JsonValue.Create((long)d);
                }

                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    return null;
                }

                return JsonValue.Create(d);
            case JList l:
            {
                var a = new JsonArray();
                foreach (var item in l)
                {
                    a.Add(ToNode(item));
                }

                return a;
            }

            case JObject o:
            {
                var r = new JsonObject();
                foreach (var kv in o)
                {
                    if (kv.Value is not null)
                    {
                        r[kv.Key] = ToNode(kv.Value);
                    }
                }

                return r;
            }

            case JFunction:
                return JsonValue.Create("");
            default:
                return null;
        }
    }

    public static JsonataValue ToPublic(object? value) => value is null ? JsonataValue.Undefined : JsonataValue.From(ToNode(value));

    public static object? FromPublic(JsonataValue value) => value.IsUndefined ? null : FromNode(value.Node);
}
