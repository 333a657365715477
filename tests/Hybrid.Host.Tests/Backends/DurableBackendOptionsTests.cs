using Hybrid.Host.Backends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    public void Validate_InMemoryRetention_ADayByDefaultZeroKeepsEverythingNegativeThrows()
    {
        new DurableBackendOptions { InMemoryRetention = TimeSpan.Zero }.Validate();

        var error = Assert.Throws<ArgumentOutOfRangeException>(new DurableBackendOptions { InMemoryRetention = TimeSpan.FromSeconds(-1) }.Validate);

        Assert.Equal(TimeSpan.FromDays(1), new DurableBackendOptions().InMemoryRetention);
        Assert.Equal(nameof(DurableBackendOptions.InMemoryRetention), error.ParamName);
    }

    [Theory]
    [InlineData(DurableBackendKind.InMemory, 86_400, 60_000)]
    [InlineData(DurableBackendKind.InMemory, 2, 200)]
    [InlineData(DurableBackendKind.InMemory, 0, null)]
    [InlineData(DurableBackendKind.AzureStorage, 86_400, null)]
    public async Task AddHybridDurableBackend_Retention_RunsOnlyInMemoryAndNotZeroEveryTenthOfItUpToAMinute(DurableBackendKind backend, int seconds, int? intervalMs)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHybridDurableBackend(new DurableBackendOptions { Backend = backend, InMemoryRetention = TimeSpan.FromSeconds(seconds) }, _ => { });
        await using var provider = services.BuildServiceProvider();

        var retention = provider.GetServices<IHostedService>().OfType<ClosedExecutionRetention>().SingleOrDefault();

        Assert.Equal(intervalMs, retention?.Interval.TotalMilliseconds);
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
