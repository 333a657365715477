using Hybrid.Identity.Management;

namespace Hybrid.Durable.Rotation;

/// <summary>The Durable (and Functions) names of the key rotation orchestration and its activities.</summary>
public static class RotationNames
{
    public const string Orchestration = "Hybrid-KeyRotation";
    public const string RollDataProtectionKey = "Hybrid-RollDataProtectionKey";
    public const string RotatePingSecret = "Hybrid-RotatePingSecret";
    public const string SwitchAwsKey = "Hybrid-SwitchAwsKey";
    public const string DeactivateAwsKey = "Hybrid-DeactivateAwsKey";
    public const string DeleteAwsKey = "Hybrid-DeleteAwsKey";
}

/// <summary>The names of the rotated secrets in the <see cref="ISecretStore"/>.</summary>
public static class RotatedSecrets
{
    /// <summary>Hybrid's Ping client secret (the one it introspects with).</summary>
    public const string PingClientSecret = "ping-client-secret";

    /// <summary>The bridge's AWS access key, a <see cref="StoredAwsKey"/> as JSON.</summary>
    public const string AwsAccessKey = "aws-access-key";
}

/// <summary>Key rotation settings, bound from <see cref="Section"/>.</summary>
public sealed record RotationOptions
{
    public const string Section = "Hybrid:Rotation";

    /// <summary>When the rotation runs: NCRONTAB with seconds (Functions timer), UTC. Default Sundays at 03:00.</summary>
    public string Schedule { get; init; } = "0 0 3 * * 0";

    /// <summary>How long Ping keeps accepting the previous client secret. PingOne allows 1 minute to 30 days.</summary>
    public TimeSpan PingGrace { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Rotate the bridge's AWS access key.</summary>
    public bool AwsAccessKey { get; init; }

    /// <summary>The IAM user whose key rotates; empty means the user whose key signs the calls.</summary>
    public string? AwsUserName { get; init; }

    /// <summary><see cref="AwsUserName"/> as IAM's calls take it: null for the signing user.</summary>
    internal string? IamUserName => AwsUserName is { Length: > 0 } name ? name : null;

    /// <summary>
    /// How long the old AWS key stays active after the switch, so that every instance (whose credentials are cached for
    /// up to <see cref="RotatedAwsCredentials.RefreshInterval"/>) has moved to the new key, and IAM has propagated it.
    /// </summary>
    public TimeSpan AwsSwitchDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the old AWS key stays (inactive, so it can be re-activated by hand) before it is deleted.</summary>
    public TimeSpan AwsKeyGrace { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Roll the Data Protection key ring that seals tokens: a new default key; older keys still unseal.</summary>
    public bool DataProtection { get; init; } = true;

    /// <summary>The new Data Protection key's lifetime.</summary>
    public TimeSpan DataProtectionKeyLifetime { get; init; } = TimeSpan.FromDays(90);

    /// <summary>The first wait before a failed step is tried again (then doubled; three attempts in all).</summary>
    public TimeSpan StepRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Ping management API that rotates Hybrid's client secret; <see cref="PingManagementKind.None"/> skips it.</summary>
    public PingManagementOptions Ping { get; init; } = new();

    /// <summary>The orchestration's input.</summary>
    public RotationRun ToRun() => new(
        Ping.Kind != PingManagementKind.None, PingGrace, AwsAccessKey, AwsSwitchDelay, AwsKeyGrace, DataProtection, DataProtectionKeyLifetime, StepRetryInterval);

    /// <exception cref="InvalidOperationException">A setting is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        Ping.Validate(Section + ":Ping", PingGrace);
        foreach (var (name, value) in new[] { (nameof(PingGrace), PingGrace), (nameof(AwsSwitchDelay), AwsSwitchDelay), (nameof(AwsKeyGrace), AwsKeyGrace), (nameof(DataProtectionKeyLifetime), DataProtectionKeyLifetime), (nameof(StepRetryInterval), StepRetryInterval) })
        {
            if (value < TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{Section}:{name} is negative ({value}).");
            }
        }

        if (StepRetryInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:{nameof(StepRetryInterval)} must be positive ({StepRetryInterval}).");
        }

        if (DataProtection && DataProtectionKeyLifetime < TimeSpan.FromDays(7))
        {
            throw new InvalidOperationException($"{Section}:{nameof(DataProtectionKeyLifetime)} is {DataProtectionKeyLifetime}; Data Protection needs keys of at least 7 days.");
        }
    }
}

/// <summary>The rotation orchestration's input: which steps run, and their periods.</summary>
public sealed record RotationRun(
    bool PingSecret,
    TimeSpan PingGrace,
    bool AwsAccessKey,
    TimeSpan AwsSwitchDelay,
    TimeSpan AwsKeyGrace,
    bool DataProtection,
    TimeSpan DataProtectionKeyLifetime,
    TimeSpan StepRetryInterval);

/// <summary>What one step did: <see cref="Outcome"/> is <c>Done</c> or <c>Failed</c>; the detail never holds a secret.</summary>
public sealed record RotationStepResult(string Step, string Outcome, string Detail)
{
    public const string Done = "Done";
    public const string Failed = "Failed";

    public bool Succeeded => Outcome == Done;
}

/// <summary>The rotation orchestration's output: every step, in order.</summary>
public sealed record RotationReport(IReadOnlyList<RotationStepResult> Steps)
{
    public bool Succeeded => Steps.All(s => s.Succeeded);
}

/// <summary>The input of a step: the rotation (for the audit) and what the step needs.</summary>
public sealed record RotationStep(string RotationId, DateTimeOffset? Until = null, TimeSpan? Lifetime = null, string? AccessKeyId = null);

/// <summary>The AWS switch step's answer: the key now in use and the one it replaced (null when there was none to replace).</summary>
public sealed record AwsKeySwitch(RotationStepResult Result, string? NewAccessKeyId, string? PreviousAccessKeyId);
