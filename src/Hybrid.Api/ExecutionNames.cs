using System.Buffers;
using System.Text;

namespace Hybrid.Api;

/// <summary>
/// Step Functions' execution-name rules: 1-80 characters, no whitespace, no control characters, and none of
/// <c>&lt; &gt; { } [ ] ? * " # % \ ^ | ~ ` $ &amp; , ; : /</c>.
/// </summary>
internal static class ExecutionNames
{
    public const int MaxLength = 80;
    private const string Forbidden = "<>{}[]?*\"#%\\^|~`$&,;:/";

    /// <summary>Null when the name is valid, else why it is not.</summary>
    public static string? Check(string name)
    {
        if (name.Length == 0)
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

            if (rune.IsBmp && Forbidden.Contains((char)rune.Value, StringComparison.Ordinal))
            {
                return $"An execution name must not contain '{(char)rune.Value}' (at index {i}); none of < > {{ }} [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : / are allowed.";
            }

            i += consumed;
        }

        return null;
    }
}
