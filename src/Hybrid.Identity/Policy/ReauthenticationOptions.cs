namespace Hybrid.Identity.Policy;

/// <summary>
/// Which workflows wait for the caller to sign in again when the token their execution runs on expires, and for how
/// long. Bound from <c>Identity:Reauthentication</c>. An execution of a listed workflow whose token has expired pauses
/// before its next Task until the same subject hands in a fresh token (<c>POST /api/executions/{id}/token</c>), or
/// fails with <c>Hybrid.TokenExpired</c> once <see cref="Wait"/> has passed. Other workflows fail at once.
/// </summary>
public sealed record ReauthenticationOptions
{
    /// <summary>The longest wait that can be configured.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(7);

    /// <summary>Workflow names; <c>*</c> matches any run of characters. Empty: no workflow waits.</summary>
    public IReadOnlyList<string> Workflows { get; init; } = [];

    /// <summary>How long an execution waits for a fresh token (default 15 minutes, at most 7 days).</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long executions of <paramref name="workflow"/> wait for a fresh token; null when they do not wait.</summary>
    public TimeSpan? WaitFor(string workflow)
    {
        Check.NotNull(workflow);
        return Workflows.Any(w => AccessPolicyEvaluator.GlobMatches(w, workflow)) ? Wait : null;
    }

    /// <exception cref="InvalidOperationException">The wait is not positive, or longer than <see cref="MaxWait"/>.</exception>
    public ReauthenticationOptions Validated()
    {
        if (Wait <= TimeSpan.Zero || Wait > MaxWait)
        {
            throw new InvalidOperationException(
                $"Identity:Reauthentication:Wait must be more than 0 and at most {MaxWait.TotalDays} days, not {Wait}.");
        }

        if (Workflows.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidOperationException("Identity:Reauthentication:Workflows holds an empty name.");
        }

        return this;
    }
}
