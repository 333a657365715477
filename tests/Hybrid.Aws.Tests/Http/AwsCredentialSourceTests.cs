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

    [Fact]
    public async Task GetAsync_NothingConfigured_UsesDefaultChainFromEnvironment()
    {
        var names = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EC2_METADATA_DISABLED" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "env-token");
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

            var credentials = await new AwsCredentialSource(null).GetAsync(CancellationToken.None);

            Assert.Equal(("AKIDFROMENVIRONMENT", "env-secret", "env-token"), (credentials.AccessKey, credentials.SecretKey, credentials.Token));
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
