using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Asl.Execution;

/// <summary>
/// Step Functions' rules for execution names, in one place for every front door and for the AWS bridge: 1-80
/// characters, no whitespace, no control characters and none of <c>&lt; &gt; { } [ ] ? * " # % \ ^ | ~ ` $ &amp; , ; : /</c>.
/// </summary>
public static class ExecutionNames
{
    public const int MaxLength = 80;
    private const int HashLength = 16;
    private const string Forbidden = "<>{}[]?*\"#%\\^|~`$&,;:/";

    /// <summary>Null when the name is valid; otherwise what is wrong with it, and where.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "An execution name must not be empty.";
        }

        if (name.Length > MaxLength)
        {
            return $"An execution name must be at most {MaxLength} characters long; this one has {name.Length}.";
        }

        for (var i = 0; i < name.Length;)
        {
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
            {
                return $"The execution name has a lone surrogate at index {i}.";
            }

            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || rune == Rune.ReplacementChar)
            {
                return $"An execution name must not contain whitespace or control characters (U+{rune.Value:X4} at index {i}).";
            }

            if (IsForbidden(rune))
            {
                return $"An execution name must not contain '{(char)rune.Value}' (at index {i}); none of < > {{ }} [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : / are allowed.";
            }

            i += consumed;
        }

        return null;
    }

    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>
    /// The same valid name for the same key, every time, so that a start derived from a durable step is idempotent. A
    /// key that is already a valid name is used as it is; any other key keeps a readable prefix (forbidden characters
    /// become <c>_</c>) and ends with 16 hex digits of its SHA-256, so two different keys do not share a name.
    /// </summary>
    public static string FromKey(string key)
    {
        Check.NotEmpty(key);
        if (IsValid(key))
        {
            return key;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..HashLength];
        var readable = new StringBuilder(MaxLength);
        foreach (var rune in key.EnumerateRunes())
        {
            var text = rune.ToString();
            if (readable.Length + text.Length > MaxLength - HashLength - 1)
            {
                break;
            }

            readable.Append(IsAllowed(rune) ? text : "_");
        }

        return readable.Append('-').Append(hash).ToString();
    }

    private static bool IsForbidden(Rune rune) => rune.IsBmp && Forbidden.Contains((char)rune.Value, StringComparison.Ordinal);

    private static bool IsAllowed(Rune rune)
        => !Rune.IsWhiteSpace(rune) && !Rune.IsControl(rune) && rune != Rune.ReplacementChar && !IsForbidden(rune);
}
