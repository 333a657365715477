namespace Hybrid.Aws.Tests;

public sealed class AwsClientOptionsTests
{
    [Fact]
    public void Resolve_Defaults_PointAtPublicAwsEndpoints()
    {
        var options = new AwsClientOptions { Region = "eu-west-1" };

        Assert.Equal(new Uri("https://states.eu-west-1.amazonaws.com/"), options.ResolveStepFunctionsEndpoint());
        Assert.Equal(new Uri("https://sync-states.eu-west-1.amazonaws.com/"), options.ResolveStepFunctionsSyncEndpoint());
        Assert.Equal(new Uri("https://iam.amazonaws.com/"), options.ResolveIamEndpoint());
        Assert.Equal(new Uri("https://sts.eu-west-1.amazonaws.com/"), options.ResolveStsEndpoint());
        Assert.Equal("us-east-1", options.IamSigningRegion);
    }

    [Fact]
    public void ResolveSync_CustomEndpointOnly_PrefixesItsHost()
        => Assert.Equal(
            new Uri("https://sync-states.vpce.example.com/"),
            new AwsClientOptions { StepFunctionsEndpoint = new Uri("https://states.vpce.example.com/") }.ResolveStepFunctionsSyncEndpoint());

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void AwsClients_AttemptTimeoutNotPositive_ThrowsNamingIt(int seconds)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new AwsClients(new AwsClientOptions
        {
            Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIAEXAMPLE", "secret"),
            AttemptTimeout = TimeSpan.FromSeconds(seconds),
        }));

        Assert.Equal("AttemptTimeout", ex.ParamName);
    }
}
