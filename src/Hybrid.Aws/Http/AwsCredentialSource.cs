using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Hybrid.Aws.Http;

/// <summary>Explicit credentials when configured, otherwise AWSSDK.Core's default chain (resolved once, refreshed by the SDK).</summary>
internal sealed class AwsCredentialSource(AWSCredentials? configured)
{
    private readonly Lazy<Task<AWSCredentials>> _credentials = new(
        () => configured is not null
            ? Task.FromResult(configured)
            : ResolveDefaultAsync(),
        LazyThreadSafetyMode.ExecutionAndPublication);

    public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = await _credentials.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AWSCredentials> ResolveDefaultAsync()
    {
        var resolver = new DefaultAWSCredentialsIdentityResolver();
        return await resolver.ResolveIdentityAsync(null!, CancellationToken.None).ConfigureAwait(false);
    }
}
