namespace Hybrid.Durable.Executions;

/// <summary>Step Functions' rules for execution names, and Hybrid's execution ids (<c>{workflow}:{name}</c>).</summary>
public static class ExecutionNames
{
    private const string Forbidden = "<>{}[]?*\"#%\\^|~`$&,;:/";

    /// <summary>Null when the name is valid; otherwise what is wrong with it.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > 80)
        {
            return $"An execution name is 1 to 80 characters; '{Truncate(name)}' has {name.Length}.";
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"An execution name cannot contain whitespace or control characters: '{Truncate(name)}'.";
            }

            if (Forbidden.Contains(c, StringComparison.Ordinal))
            {
                return $"An execution name cannot contain '{c}': '{Truncate(name)}'.";
            }
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

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "...";
}
