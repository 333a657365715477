using Hybrid.Identity.Tokens;

namespace Hybrid.Identity.Policy;

/// <summary>What a caller wants to do with a workflow.</summary>
public enum WorkflowAction
{
    /// <summary>Start an execution (and, inside a running execution, keep running its tasks).</summary>
    Start,

    /// <summary>Read executions: status, history, output.</summary>
    Read,

    /// <summary>Stop a running execution.</summary>
    Stop,

    /// <summary>Complete, fail or heartbeat a task that waits for a task token (<c>/api/tasks/*</c>).</summary>
    Callback,
}

/// <summary>Whether a matching rule grants or refuses. A matching Deny rule wins over any Allow rule.</summary>
public enum AccessEffect
{
    Allow,
    Deny,
}

/// <summary>
/// One rule of the access policy: principals with any of <see cref="Groups"/> or any of <see cref="Scopes"/> may (or,
/// for Deny, may not) perform <see cref="Actions"/> on the workflows named by <see cref="Workflows"/>.
/// </summary>
public sealed record AccessRule
{
    /// <summary>Names the rule in decisions and the audit log.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Workflow names; <c>*</c> matches any run of characters (<c>*</c>, <c>billing-*</c>).</summary>
    public IReadOnlyList<string> Workflows { get; init; } = [];

    public IReadOnlyList<WorkflowAction> Actions { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public AccessEffect Effect { get; init; } = AccessEffect.Allow;
}

/// <summary>The access policy, bound from configuration (for example <c>Identity:Policy</c>). Nothing is allowed unless a rule allows it.</summary>
public sealed record AccessPolicyOptions
{
    public IReadOnlyList<AccessRule> Rules { get; init; } = [];
}

/// <summary>The answer of the policy, with the reason and the rule behind it (null when no rule matched).</summary>
public sealed record AccessDecision(bool IsAllowed, string Reason, string? Rule);

/// <summary>Evaluates <see cref="AccessPolicyOptions"/>. Pure and thread-safe.</summary>
public sealed class AccessPolicyEvaluator
{
    private readonly AccessRule[] _deny;
    private readonly AccessRule[] _allow;

    /// <exception cref="InvalidOperationException">A rule is incomplete or two rules share a name.</exception>
    public AccessPolicyEvaluator(AccessPolicyOptions options)
    {
        Check.NotNull(options);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var where = $"Identity policy rule #{i + 1} ('{rule.Name}')";
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                throw new InvalidOperationException($"Identity policy rule #{i + 1} has no Name.");
            }

            if (!names.Add(rule.Name))
            {
                throw new InvalidOperationException($"{where}: another rule has the same name.");
            }

            if (rule.Workflows.Count == 0 || rule.Actions.Count == 0)
            {
                throw new InvalidOperationException($"{where} names no Workflows or no Actions.");
            }

            if (rule.Groups.Count == 0 && rule.Scopes.Count == 0)
            {
                throw new InvalidOperationException($"{where} names no Groups and no Scopes, so it would match nobody.");
            }
        }

        _deny = [.. options.Rules.Where(r => r.Effect == AccessEffect.Deny)];
        _allow = [.. options.Rules.Where(r => r.Effect == AccessEffect.Allow)];
    }

    public AccessDecision Evaluate(ValidatedPrincipal principal, WorkflowAction action, string workflow)
    {
        Check.NotNull(principal);
        Check.NotNull(workflow);
        foreach (var rule in _deny)
        {
            if (Matches(rule, principal, action, workflow, out var via))
            {
                return new AccessDecision(false, $"rule '{rule.Name}' denies {Verb(action)} '{workflow}' to {via}", rule.Name);
            }
        }

        foreach (var rule in _allow)
        {
            if (Matches(rule, principal, action, workflow, out var via))
            {
                return new AccessDecision(true, $"rule '{rule.Name}' allows {Verb(action)} '{workflow}' to {via}", rule.Name);
            }
        }

        return new AccessDecision(
            false,
            $"no rule allows {Verb(action)} '{workflow}' to subject '{principal.Subject}' " +
            $"(groups: {List(principal.Groups)}; scopes: {List(principal.Scopes)})",
            null);
    }

    /// <summary>
    /// For a request about no one workflow (a listing): allowed when some Allow rule lets the principal perform the
    /// action on some workflow. The caller then shows only the workflows <see cref="Evaluate"/> allows one by one.
    /// </summary>
    public AccessDecision EvaluateAny(ValidatedPrincipal principal, WorkflowAction action)
    {
        Check.NotNull(principal);
        foreach (var rule in _allow)
        {
            if (Matches(rule, principal, action, workflow: null, out var via))
            {
                return new AccessDecision(true, $"rule '{rule.Name}' allows {Verb(action)} some workflows to {via}; only those are shown", rule.Name);
            }
        }

        return new AccessDecision(
            false,
            $"no rule allows {Verb(action)} any workflow to subject '{principal.Subject}' " +
            $"(groups: {List(principal.Groups)}; scopes: {List(principal.Scopes)})",
            null);
    }

    /// <summary>Glob match where <c>*</c> matches any run of characters; case-sensitive like workflow names.</summary>
    internal static bool GlobMatches(string pattern, string value)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Whether the rule covers the action, the workflow (null: any workflow) and the principal; <paramref name="via"/> says how.</summary>
    private static bool Matches(AccessRule rule, ValidatedPrincipal principal, WorkflowAction action, string? workflow, out string via)
    {
        via = string.Empty;
        if (!rule.Actions.Contains(action) || (workflow is not null && !rule.Workflows.Any(w => GlobMatches(w, workflow))))
        {
            return false;
        }

        if (rule.Groups.FirstOrDefault(g => principal.Groups.Contains(g, StringComparer.Ordinal)) is { } group)
        {
            via = $"group '{group}'";
            return true;
        }

        if (rule.Scopes.FirstOrDefault(s => principal.Scopes.Contains(s, StringComparer.Ordinal)) is { } scope)
        {
            via = $"scope '{scope}'";
            return true;
        }

        return false;
    }

    private static string Verb(WorkflowAction action) => action switch
    {
        WorkflowAction.Start => "starting",
        WorkflowAction.Read => "reading",
        WorkflowAction.Stop => "stopping",
        _ => "sending task results to",
    };

    private static string List(IReadOnlyList<string> values) => values.Count == 0 ? "none" : string.Join(", ", values);
}
