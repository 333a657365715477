using Amazon.Runtime;
using Hybrid.Aws.Http;

namespace Hybrid.Aws.Tests.Http;

public sealed class AwsCredentialSourceTests
{
    [Fact]
    public async Task GetAsync_Configured_ReturnsThoseCredentials()
    {
        var source = new AwsCredentialSource(new SessionAWSCredentials("AKIDCONFIGURED", "secret", "token"));

        var credentials = await source.GetAsync(CancellationToken.None);

        Assert.Equal(("AKIDCONFIGURED", "secret", "token"), (credentials.AccessKey, credentials.SecretKey, credentials.Token));
    }

    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EC2_METADATA_DISABLED", "AWS_PROFILE",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    /// <summary>Runs with a default chain that can only see what the test sets, and nothing off this machine.</summary>
    private static async Task WithIsolatedEnvironmentAsync(Func<Task> test)
    {
        var saved = Variables.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in Variables)
            {
                Environment.SetEnvironmentVariable(name, null);
            }

            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", "/nonexistent/hybrid-aws-config");
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/hybrid-aws-credentials");
            await test();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public Task GetAsync_NothingConfigured_UsesDefaultChainFromEnvironment() => WithIsolatedEnvironmentAsync(async () =>
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "env-token");

        var credentials = await new AwsCredentialSource(null).GetAsync(CancellationToken.None);

        Assert.Equal(("AKIDFROMENVIRONMENT", "env-secret", "env-token"), (credentials.AccessKey, credentials.SecretKey, credentials.Token));
    });

    [Fact]
    public Task GetAsync_ChainFindsNothingThenSomething_ThrowsClearlyThenRecovers() => WithIsolatedEnvironmentAsync(async () =>
    {
        var source = new AwsCredentialSource(null);

        var ex = await Assert.ThrowsAsync<AwsCredentialsException>(() => source.GetAsync(CancellationToken.None).AsTask());
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDLATER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "later-secret");
        var credentials = await source.GetAsync(CancellationToken.None);

        Assert.Contains("AwsClientOptions.Credentials", ex.Message, StringComparison.Ordinal);
        Assert.Equal("AKIDLATER", credentials.AccessKey);
    });
}
