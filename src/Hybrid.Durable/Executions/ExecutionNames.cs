using System.Buffers;
using System.Text;

namespace Hybrid.Durable.Executions;

/// <summary>Step Functions' rules for execution names, and Hybrid's execution ids (<c>{workflow}:{name}</c>).</summary>
public static class ExecutionNames
{
    private const string Forbidden = "<>{}[]?*\"#%\\^|~`$&,;:/";

    public const int MaxLength = 80;

    /// <summary>Null when the name is valid; otherwise what is wrong with it, and where.</summary>
    public static string? Problem(string name)
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

    public static string ExecutionId(string workflow, string name) => $"{workflow}:{name}";

    /// <summary>Splits an execution id; false for ids of branches (which hold '~') or malformed ids.</summary>
    public static bool TrySplit(string executionId, out string workflow, out string name)
    {
        var colon = executionId.IndexOf(':', StringComparison.Ordinal);
        workflow = colon > 0 ? executionId[..colon] : "";
        name = colon > 0 ? executionId[(colon + 1)..] : "";
        return colon > 0 && FolderWorkflowRegistry.IsValidName(workflow) && Problem(name) is null;
    }

}
