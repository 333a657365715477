using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Hybrid.Identity.Tokens;

/// <summary>Reads claims that may be a plain string or an array (Ping sends a one-element <c>groups</c> as a string).</summary>
internal static class ClaimValues
{
    public static List<string> All(JsonWebToken token, string name)
    {
        var values = new List<string>();
        foreach (var claim in token.Claims)
        {
            if (string.Equals(claim.Type, name, StringComparison.Ordinal) && claim.Value.Length > 0)
            {
                values.Add(claim.Value);
            }
        }

        return values;
    }

    public static string? First(JsonWebToken token, string name)
        => token.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static List<string> All(JsonElement payload, string name)
    {
        var values = new List<string>();
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty(name, out var element))
        {
            return values;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            AddNonEmpty(values, element.GetString());
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    AddNonEmpty(values, item.GetString());
                }
            }
        }

        return values;
    }

    public static string? First(JsonElement payload, string name)
        => payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.String
            && element.GetString() is { Length: > 0 } value
                ? value
                : null;

    public static DateTimeOffset? Time(JsonElement payload, string name)
        => payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.Number
            && element.TryGetInt64(out var seconds)
            && seconds is > 0 and < 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;

    /// <summary><c>scope</c> is space separated (RFC 9068, Ping); some issuers send <c>scp</c> as an array instead.</summary>
    public static List<string> Scopes(IEnumerable<string> scope, IEnumerable<string> scp)
    {
        var values = new List<string>();
        foreach (var item in scope.Concat(scp))
        {
            foreach (var part in item.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!values.Contains(part, StringComparer.Ordinal))
                {
                    values.Add(part);
                }
            }
        }

        return values;
    }

    private static void AddNonEmpty(List<string> values, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            values.Add(value);
        }
    }
}
