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

    /// <summary>The execution an instance belongs to: its id up to the first <c>~</c>.</summary>
    public static string ExecutionOf(string instanceId)
    {
        var tilde = instanceId.IndexOf('~', StringComparison.Ordinal);
        return tilde < 0 ? instanceId : instanceId[..tilde];
    }

    /// <summary>
    /// Whether <paramref name="instanceId"/> is <paramref name="id"/> or one of its descendants: an instance's branches are
    /// <c>{id}~{generation}.{n}</c> and a Map chunk's iterations <c>{chunk}.{n}</c> (a chunk's id always has a <c>~</c>;
    /// an execution's id never does, so <c>{execution}.x</c> is another execution).
    /// </summary>
    public static bool IsSelfOrDescendant(string instanceId, string id) =>
        instanceId == id
        || instanceId.StartsWith(id + "~", StringComparison.Ordinal)
        || (id.Contains('~', StringComparison.Ordinal) && instanceId.StartsWith(id + ".", StringComparison.Ordinal));

    /// <summary>Splits an execution id; false for ids of branches (which hold '~') or malformed ids.</summary>
    public static bool TrySplit(string executionId, out string workflow, out string name)
    {
        var colon = executionId.IndexOf(':', StringComparison.Ordinal);
        workflow = colon > 0 ? executionId[..colon] : "";
        name = colon > 0 ? executionId[(colon + 1)..] : "";
        return colon > 0 && FolderWorkflowRegistry.IsValidName(workflow) && Hybrid.Asl.Execution.ExecutionNames.IsValid(name);
    }
}
