using Microsoft.Extensions.Configuration;

namespace Hybrid.Aws.Tests;

public sealed class AwsHostOptionsTests
{
    [Fact]
    public void FromConfiguration_NoClientKeys_KeepsTheDefaultTimeoutAndRetries()
    {
        var aws = Bind(new() { ["Hybrid:Aws:Region"] = "eu-west-1" });

        Assert.Equal(TimeSpan.FromSeconds(30), aws.Clients.AttemptTimeout);
        Assert.Equal(new AwsRetryOptions(), aws.Clients.Retry);
        Assert.Equal(5, aws.Clients.Retry.MaxAttempts);
        aws.Validate();
    }

    [Fact]
    public void FromConfiguration_EmptyValues_KeepTheDefaults()
    {
        // local.settings.sample.json lists every key with an empty value.
        var aws = Bind(new()
        {
            ["Hybrid:Aws:AttemptTimeout"] = "",
            ["Hybrid:Aws:Retry:MaxAttempts"] = "",
            ["Hybrid:Aws:Retry:BaseDelay"] = "",
            ["Hybrid:Aws:Retry:MaxDelay"] = "",
        });

        Assert.Equal(new AwsClientOptions().AttemptTimeout, aws.Clients.AttemptTimeout);
        Assert.Equal(new AwsRetryOptions(), aws.Clients.Retry);
    }

    [Fact]
    public void FromConfiguration_ClientKeys_BindTheTimeoutAndRetries()
    {
        var aws = Bind(new()
        {
            ["Hybrid:Aws:AttemptTimeout"] = "00:02:30",
            ["Hybrid:Aws:Retry:MaxAttempts"] = "3",
            ["Hybrid:Aws:Retry:BaseDelay"] = "00:00:00.5",
            ["Hybrid:Aws:Retry:MaxDelay"] = "00:01:00",
        });

        Assert.Equal(TimeSpan.FromSeconds(150), aws.Clients.AttemptTimeout);
        Assert.Equal(new AwsRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromMinutes(1) }, aws.Clients.Retry);
        aws.Validate();
    }

    [Fact]
    public void FromConfiguration_LimitValues_AreAccepted()
    {
        var aws = Bind(new()
        {
            ["Hybrid:Aws:AttemptTimeout"] = "01:00:00",
            ["Hybrid:Aws:Retry:MaxAttempts"] = "1",
            ["Hybrid:Aws:Retry:BaseDelay"] = "00:00:00.001",
            ["Hybrid:Aws:Retry:MaxDelay"] = "01:00:00",
        });

        Assert.Equal(AwsClientOptions.LongestWait, aws.Clients.AttemptTimeout);
        Assert.Equal(1, aws.Clients.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(1), aws.Clients.Retry.BaseDelay);
        aws.Validate();
    }

    [Theory]
    [InlineData("AttemptTimeout", "soon", "is not a positive time span (for example 00:00:05).")]
    [InlineData("AttemptTimeout", "30s", "is not a positive time span (for example 00:00:05).")]
    [InlineData("AttemptTimeout", "00:00:00", "is not a positive time span (for example 00:00:05).")]
    [InlineData("AttemptTimeout", "-00:00:05", "is not a positive time span (for example 00:00:05).")]
    [InlineData("AttemptTimeout", "30", "is 30.00:00:00, longer than the 01:00:00 allowed (a bare number counts days: write 00:00:30 for 30 seconds).")]
    [InlineData("AttemptTimeout", "01:00:00.001", "is 01:00:00.0010000, longer than the 01:00:00 allowed (a bare number counts days: write 00:00:30 for 30 seconds).")]
    [InlineData("Retry:BaseDelay", "0", "is not a positive time span (for example 00:00:05).")]
    [InlineData("Retry:BaseDelay", "2", "is 2.00:00:00, longer than the 01:00:00 allowed (a bare number counts days: write 00:00:30 for 30 seconds).")]
    [InlineData("Retry:MaxDelay", "-1", "is not a positive time span (for example 00:00:05).")]
    [InlineData("Retry:MaxDelay", "later", "is not a positive time span (for example 00:00:05).")]
    [InlineData("Retry:MaxAttempts", "five", "is not a whole number.")]
    [InlineData("Retry:MaxAttempts", "2.5", "is not a whole number.")]
    [InlineData("Retry:MaxAttempts", "0", "is not between 1 and 100.")]
    [InlineData("Retry:MaxAttempts", "-3", "is not between 1 and 100.")]
    [InlineData("Retry:MaxAttempts", "101", "is not between 1 and 100.")]
    [InlineData("Federation:DurationSeconds", "60", "is not between 900 and 43200.")]
    [InlineData("Federation:DurationSeconds", "43201", "is not between 900 and 43200.")]
    public void FromConfiguration_BadClientValue_IsAFormatErrorNamingTheKeyAndValue(string key, string value, string complaint)
    {
        var error = Assert.Throws<FormatException>(() => Bind(new() { ["Hybrid:Aws:" + key] = value }));

        Assert.Equal($"'Hybrid:Aws:{key}' ('{value}') {complaint}", error.Message);
    }

    [Fact]
    public void Validate_ConfiguredBaseDelayAboveTheDefaultMaxDelay_IsRefusedNamingBoth()
    {
        var aws = Bind(new() { ["Hybrid:Aws:Retry:BaseDelay"] = "00:01:00" });

        var error = Assert.Throws<ArgumentException>(aws.Validate);

        Assert.Equal("MaxDelay", error.ParamName);
        Assert.StartsWith("Retry:MaxDelay (00:00:20) is shorter than Retry:BaseDelay (00:01:00).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_ListTheClientKeysFromConfigurationReads()
        => Assert.Superset(
            new HashSet<string>(["AttemptTimeout", "Retry:MaxAttempts", "Retry:BaseDelay", "Retry:MaxDelay"], StringComparer.Ordinal),
            new HashSet<string>(AwsHostOptions.Keys, StringComparer.Ordinal));

    private static AwsHostOptions Bind(Dictionary<string, string?> values)
        => AwsHostOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Hybrid:Aws"))!;
}
