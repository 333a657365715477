namespace Hybrid.Durable.Executions;

/// <summary>Hybrid's execution ids: <c>{workflow}:{name}</c>, the Durable instance id of the execution.</summary>
public static class ExecutionIds
{
    public static string Create(string workflow, string name) => $"{workflow}:{name}";

    /// <summary>A name for a start that gave none: 128 random bits as 32 hex digits.</summary>
    public static string NewName() => System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>
    /// The id prefix of every instance an execution starts: its branches and Map iterations (<c>{id}~{generation}.{n}</c>,
    /// a Map chunk's iterations <c>{chunk}.{n}</c>) and the orchestrations that stop their tasks (<c>{id}~stop...</c>).
    /// An execution's own id never holds <c>~</c>, so no other execution's instances share the prefix.
    /// </summary>
    public static string ChildPrefix(string executionId) => executionId + "~";

    /// <summary>Splits an execution id; false for ids of branches (which hold '~') or malformed ids.</summary>
    public static bool TrySplit(string executionId, out string workflow, out string name)
    {
        var colon = executionId.IndexOf(':', StringComparison.Ordinal);
        workflow = colon > 0 ? executionId[..colon] : "";
        name = colon > 0 ? executionId[(colon + 1)..] : "";
        return colon > 0 && FolderWorkflowRegistry.IsValidName(workflow) && Hybrid.Asl.Execution.ExecutionNames.IsValid(name);
    }
}
