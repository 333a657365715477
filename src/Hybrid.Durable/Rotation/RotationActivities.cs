using System.Security.Cryptography;
using Hybrid.Aws.Iam;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Management;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.DurableTask;

namespace Hybrid.Durable.Rotation;

/// <summary>
/// What every rotation step shares: it runs the step's work and writes one audit entry for it, allowed when it did its
/// work and denied (with the error) when it failed, then lets the failure go on to the orchestration's retry.
/// </summary>
public abstract class RotationActivity<TResult>(IAuditLog audit, TimeProvider time) : TaskActivity<RotationStep, TResult>
{
    /// <summary>Who the audit says acted: the rotation itself, not a caller.</summary>
    public const string Actor = "hybrid:key-rotation";

    public const string FailedError = "Hybrid.RotationFailed";

    public sealed override async Task<TResult> RunAsync(TaskActivityContext context, RotationStep input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var action = context.Name.Name;
        TResult result;
        string reason;
        try
        {
            (result, reason) = await RunStepAsync(input).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await AuditAsync(input, action, AuditDecision.Deny, $"{e.GetType().Name}: {e.Message}", FailedError).ConfigureAwait(false);
            throw;
        }

        await AuditAsync(input, action, AuditDecision.Allow, reason, null).ConfigureAwait(false);
        return result;
    }

    /// <summary>Does the step; returns its result and what the audit entry says it did (never a secret).</summary>
    protected abstract Task<(TResult Result, string Reason)> RunStepAsync(RotationStep input);

    protected DateTimeOffset Now => time.GetUtcNow();

    private ValueTask AuditAsync(RotationStep input, string action, AuditDecision decision, string reason, string? error) =>
        audit.AppendAsync(new AuditEntry
        {
            Id = RandomNumberGenerator.GetHexString(32, lowercase: true),
            Time = time.GetUtcNow(),
            Subject = Actor,
            Action = action,
            ExecutionId = input.RotationId,
            Resource = input.AccessKeyId,
            Decision = decision,
            Reason = reason,
            Error = error,
            CorrelationId = input.RotationId,
        });
}

/// <summary>Adds a new Data Protection key, active now: new seals use it, and tokens sealed with older keys still unseal.</summary>
public sealed class RollDataProtectionKeyActivity(IKeyManager keys, IAuditLog audit, TimeProvider time)
    : RotationActivity<RotationStepResult>(audit, time)
{
    protected override Task<(RotationStepResult, string)> RunStepAsync(RotationStep input)
    {
        var now = Now;
        var key = keys.CreateNewKey(now, now + (input.Lifetime ?? throw new ArgumentException("The Data Protection step needs a key lifetime.", nameof(input))));
        var detail = $"created Data Protection key {key.KeyId}, active from {key.ActivationDate:O} until {key.ExpirationDate:O}";
        return Task.FromResult((new RotationStepResult(RotationNames.RollDataProtectionKey, RotationStepResult.Done, detail), detail));
    }
}

/// <summary>Rotates Hybrid's Ping client secret through the management API and stores the new one.</summary>
public sealed class RotatePingSecretActivity(IEnumerable<IPingSecretRotator> rotators, ISecretStore store, IAuditLog audit, TimeProvider time)
    : RotationActivity<RotationStepResult>(audit, time)
{
    protected override async Task<(RotationStepResult, string)> RunStepAsync(RotationStep input)
    {
        var rotator = rotators.FirstOrDefault()
            ?? throw new InvalidOperationException($"Ping secret rotation is not configured ({RotationOptions.Section}:Ping:Kind).");
        var rotated = await rotator.RotateAsync(input.Until ?? throw new ArgumentException("The Ping step needs the time the previous secret expires.", nameof(input))).ConfigureAwait(false);
        await store.SetAsync(RotatedSecrets.PingClientSecret, rotated.Secret).ConfigureAwait(false);
        var detail = $"rotated the client secret of '{rotated.ClientId}'; the previous secret stays valid until {rotated.PreviousExpiresAt:O}";
        return (new RotationStepResult(RotationNames.RotatePingSecret, RotationStepResult.Done, detail), detail);
    }
}

/// <summary>
/// Creates a new access key for the bridge's IAM user and switches the AWS clients to it (through the secret store).
/// Idempotent per rotation: a retry after the switch answers the same keys. IAM allows two keys per user: a leftover
/// inactive key from an earlier rotation is deleted first; a second active key is an error Hybrid will not guess about.
/// </summary>
public sealed class SwitchAwsKeyActivity(IIamClient iam, RotatedAwsCredentials credentials, RotationOptions options, IAuditLog audit, TimeProvider time)
    : RotationActivity<AwsKeySwitch>(audit, time)
{
    protected override async Task<(AwsKeySwitch, string)> RunStepAsync(RotationStep input)
    {
        var user = options.IamUserName;
        if (await credentials.GetStoredAsync().ConfigureAwait(false) is { } stored && stored.RotationId == input.RotationId)
        {
            return Done($"switched to access key {stored.AccessKeyId} earlier in this rotation", stored.AccessKeyId, stored.PreviousAccessKeyId);
        }

        var current = (await credentials.GetCredentialsAsync().ConfigureAwait(false)).AccessKey;
        var keys = await iam.ListAccessKeysAsync(user).ConfigureAwait(false);
        var notes = new List<string>();
        foreach (var other in keys.Items.Where(k => k.AccessKeyId != current))
        {
            if (other.Status == AccessKeyStatus.Active)
            {
                throw new InvalidOperationException($"The IAM user has a second active access key, {other.AccessKeyId}, besides the one Hybrid signs with ({current}); deactivate or delete it, then rotate again.");
            }

            await iam.DeleteAccessKeyAsync(other.AccessKeyId, user).ConfigureAwait(false);
            notes.Add($"deleted the leftover inactive key {other.AccessKeyId}");
        }

        var created = await iam.CreateAccessKeyAsync(user).ConfigureAwait(false);
        await credentials.SwitchAsync(new StoredAwsKey(created.AccessKeyId, created.SecretAccessKey, current, input.RotationId)).ConfigureAwait(false);
        notes.Add($"created access key {created.AccessKeyId} and switched to it from {current}");
        return Done(string.Join("; ", notes), created.AccessKeyId, current);
    }

    private static (AwsKeySwitch, string) Done(string detail, string created, string? previous) =>
        (new AwsKeySwitch(new RotationStepResult(RotationNames.SwitchAwsKey, RotationStepResult.Done, detail), created, previous), detail);
}

/// <summary>Deactivates the replaced access key (signed with the new one, which proves the new key works).</summary>
public sealed class DeactivateAwsKeyActivity(IIamClient iam, RotationOptions options, IAuditLog audit, TimeProvider time)
    : RotationActivity<RotationStepResult>(audit, time)
{
    protected override Task<(RotationStepResult, string)> RunStepAsync(RotationStep input) =>
        OldKey.ChangeAsync(RotationNames.DeactivateAwsKey, input, (key, user) => iam.UpdateAccessKeyAsync(key, AccessKeyStatus.Inactive, user), "deactivated", options);
}

/// <summary>Deletes the replaced access key after the grace period.</summary>
public sealed class DeleteAwsKeyActivity(IIamClient iam, RotationOptions options, IAuditLog audit, TimeProvider time)
    : RotationActivity<RotationStepResult>(audit, time)
{
    protected override Task<(RotationStepResult, string)> RunStepAsync(RotationStep input) =>
        OldKey.ChangeAsync(RotationNames.DeleteAwsKey, input, (key, user) => iam.DeleteAccessKeyAsync(key, user), "deleted", options);
}

/// <summary>A change to the replaced key; a key that no longer exists needs no change (a retry, or a hand that got there first).</summary>
internal static class OldKey
{
    public static async Task<(RotationStepResult, string)> ChangeAsync(
        string step, RotationStep input, Func<string, string?, Task> change, string done, RotationOptions options)
    {
        var key = Check.NotBlank(input.AccessKeyId);
        string detail;
        try
        {
            await change(key, options.IamUserName).ConfigureAwait(false);
            detail = $"{done} access key {key}";
        }
        catch (NoSuchEntityException)
        {
            detail = $"access key {key} no longer exists";
        }

        return (new RotationStepResult(step, RotationStepResult.Done, detail), detail);
    }
}
