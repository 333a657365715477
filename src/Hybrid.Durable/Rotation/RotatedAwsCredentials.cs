using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Hybrid.Durable.Rotation;

/// <summary>An AWS access key as the secret store keeps it.</summary>
/// <param name="AccessKeyId">The key in use.</param>
/// <param name="SecretAccessKey">Its secret.</param>
/// <param name="PreviousAccessKeyId">The key it replaced.</param>
/// <param name="RotationId">The rotation that made it.</param>
public sealed record StoredAwsKey(string AccessKeyId, string SecretAccessKey, string? PreviousAccessKeyId, string RotationId)
{
    /// <summary>Leaves the secret out, so a log line cannot leak it.</summary>
    public override string ToString() => $"StoredAwsKey {{ AccessKeyId = {AccessKeyId}, PreviousAccessKeyId = {PreviousAccessKeyId}, RotationId = {RotationId} }}";

    internal static StoredAwsKey? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<StoredAwsKey>(json);

    internal string ToJson() => JsonSerializer.Serialize(this);
}

/// <summary>
/// The credentials the AWS clients sign with: the rotated key from the <see cref="ISecretStore"/> once a rotation has
/// stored one, otherwise the configured key (or AWSSDK.Core's default chain). The stored key is read again at most
/// every <see cref="RefreshInterval"/>, so every instance moves to a new key within that time; the rotation waits
/// longer than that before it deactivates the old key.
/// </summary>
public sealed class RotatedAwsCredentials(ISecretStore store, AWSCredentials? configured, TimeProvider time) : AWSCredentials
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableCredentials? _current;
    private DateTimeOffset _readAt;
    private AWSCredentials? _fallback = configured;

    /// <summary>The stored key, if a rotation has stored one.</summary>
    public async Task<StoredAwsKey?> GetStoredAsync(CancellationToken cancellationToken = default) =>
        StoredAwsKey.Parse(await store.GetAsync(RotatedSecrets.AwsAccessKey, cancellationToken).ConfigureAwait(false));

    /// <summary>Stores a new key and signs with it from now on in this process.</summary>
    public async Task SwitchAsync(StoredAwsKey key, CancellationToken cancellationToken = default)
    {
        Check.NotNull(key);
        await store.SetAsync(RotatedSecrets.AwsAccessKey, key.ToJson(), cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _current = new ImmutableCredentials(key.AccessKeyId, key.SecretAccessKey, null);
            _readAt = time.GetUtcNow();
        }
        finally
        {
            _gate.Release();
        }
    }

    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_current is null || time.GetUtcNow() - _readAt >= RefreshInterval)
            {
                var stored = await GetStoredAsync().ConfigureAwait(false);
                _current = stored is not null
                    ? new ImmutableCredentials(stored.AccessKeyId, stored.SecretAccessKey, null)
                    : await (await FallbackAsync().ConfigureAwait(false)).GetCredentialsAsync().ConfigureAwait(false);
                _readAt = time.GetUtcNow();
            }

            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AWSCredentials> FallbackAsync() =>
        _fallback ??= await new DefaultAWSCredentialsIdentityResolver().ResolveIdentityAsync(null!, CancellationToken.None).ConfigureAwait(false);
}
