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

    [Fact]
    public void Validate_Defaults_Pass() => new AwsClientOptions().Validate();

    public static TheoryData<AwsClientOptions, string> OutOfRange => new()
    {
        { new AwsClientOptions { AttemptTimeout = TimeSpan.Zero }, "AttemptTimeout" },
        { new AwsClientOptions { AttemptTimeout = Timeout.InfiniteTimeSpan }, "AttemptTimeout" },
        { new AwsClientOptions { AttemptTimeout = AwsClientOptions.LongestWait + TimeSpan.FromTicks(1) }, "AttemptTimeout" },
        { new AwsClientOptions { Retry = new AwsRetryOptions { MaxAttempts = 0 } }, "MaxAttempts" },
        { new AwsClientOptions { Retry = new AwsRetryOptions { MaxAttempts = AwsRetryOptions.MostAttempts + 1 } }, "MaxAttempts" },
        { new AwsClientOptions { Retry = new AwsRetryOptions { BaseDelay = TimeSpan.FromSeconds(-1) } }, "BaseDelay" },
        { new AwsClientOptions { Retry = new AwsRetryOptions { MaxDelay = TimeSpan.FromDays(30) } }, "MaxDelay" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_ValueOutOfRange_ThrowsNamingIt(AwsClientOptions options, string name)
        => Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);

    [Fact]
    public void Validate_MaxDelayBelowBaseDelay_Throws()
        => Assert.Equal("MaxDelay", Assert.Throws<ArgumentException>(
            new AwsClientOptions { Retry = new AwsRetryOptions { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) } }.Validate).ParamName);

    [Fact]
    public void Validate_BlankRegion_Throws()
        => Assert.Equal("Region", Assert.Throws<ArgumentException>(new AwsClientOptions { Region = " " }.Validate).ParamName);
}
