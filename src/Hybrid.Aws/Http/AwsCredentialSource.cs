using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Hybrid.Aws.Http;

/// <summary>
/// Explicit credentials when configured, otherwise AWSSDK.Core's default chain. The chain is resolved once and the SDK
/// refreshes what it found; a failed resolution is not cached, so a source that was unreachable at start-up (instance
/// metadata, say) is tried again on the next call.
/// </summary>
internal sealed class AwsCredentialSource(AWSCredentials? configured)
{
    private readonly Lock _gate = new();
    private Task<AWSCredentials>? _resolving;

    public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        Task<AWSCredentials> resolving;
        lock (_gate)
        {
            if (_resolving is null || _resolving.IsFaulted || _resolving.IsCanceled)
            {
                _resolving = configured is not null ? Task.FromResult(configured) : Task.Run(ResolveDefaultAsync, CancellationToken.None);
            }

            resolving = _resolving;
        }

        try
        {
            var credentials = await resolving.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw new AwsCredentialsException(ex);
        }
    }

    private static async Task<AWSCredentials> ResolveDefaultAsync()
    {
        var resolver = new DefaultAWSCredentialsIdentityResolver();
        return await resolver.ResolveIdentityAsync(null!, CancellationToken.None).ConfigureAwait(false);
    }
}
