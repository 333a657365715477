using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Aws.StepFunctions;

/// <summary>
/// Step Functions execution names: 1-80 characters, no whitespace, no control characters and none of
/// <c>&lt; &gt; { } [ ] ? * " # % \ ^ | ~ ` $ &amp; , ; : /</c>. A name derived deterministically from the durable
/// instance and the step makes StartExecution idempotent across retries and crashes: AWS returns the same ARN for the
/// same name and input while the execution runs.
/// </summary>
public static class ExecutionName
{
    public const int MaxLength = 80;
    private const int HashLength = 16;
    private const string Forbidden = "<>{}[]?*\"#%\\^|~`$&,;:/";

    public static bool IsValid(string? name)
    {
        if (name is not { Length: > 0 and <= MaxLength })
        {
            return false;
        }

        for (var i = 0; i < name.Length;)
        {
            // A lone surrogate is not text: refuse it rather than let AWS do so.
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done || !IsAllowed(rune))
            {
                return false;
            }

            i += consumed;
        }

        return true;
    }

    /// <summary>
    /// The same valid name for the same key, every time. A key that is already a valid name is used as it is; any other
    /// key keeps a readable prefix (forbidden characters become <c>_</c>) and ends with 16 hex digits of its SHA-256, so
    /// two different keys do not share a name.
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

    private static bool IsAllowed(Rune rune)
        => !Rune.IsWhiteSpace(rune) && !Rune.IsControl(rune) && rune != Rune.ReplacementChar
            && !(rune.IsBmp && Forbidden.Contains((char)rune.Value, StringComparison.Ordinal));
}
