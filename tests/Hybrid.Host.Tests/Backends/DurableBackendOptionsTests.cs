using Hybrid.Host.Backends;

namespace Hybrid.Host.Tests.Backends;

public sealed class DurableBackendOptionsTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        new DurableBackendOptions().Validate();
        new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage }.Validate();
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1hub")]
    [InlineData("task-hub")]
    [InlineData("")]
    [InlineData("a23456789012345678901234567890123456789012345x")]
    public void Validate_AzureStorageWithBadTaskHub_ThrowsNamingTheRule(string taskHub)
    {
        var options = new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage, TaskHub = taskHub };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("3 to 45 letters and digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InMemoryWithAnyTaskHub_Passes()
    {
        new DurableBackendOptions { TaskHub = "not-used-in-memory" }.Validate();
    }

    [Fact]
    public void Validate_SessionIdleTimeout_ZeroTurnsSessionsOffNegativeThrows()
    {
        new DurableBackendOptions { SessionIdleTimeout = TimeSpan.Zero }.Validate();

        var error = Assert.Throws<ArgumentOutOfRangeException>(new DurableBackendOptions { SessionIdleTimeout = TimeSpan.FromSeconds(-1) }.Validate);

        Assert.Equal(nameof(DurableBackendOptions.SessionIdleTimeout), error.ParamName);
    }

    [Fact]
    public void Validate_ZeroConcurrencyOrTimeout_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(new DurableBackendOptions { MaxConcurrentActivities = 0 }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new DurableBackendOptions { MaxConcurrentOrchestrations = -1 }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new DurableBackendOptions { ShutdownTimeout = TimeSpan.Zero }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(
            new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage, PartitionCount = 17 }.Validate);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DurableBackend(new DurableBackendOptions { MaxConcurrentActivities = 0 }));
    }
}
