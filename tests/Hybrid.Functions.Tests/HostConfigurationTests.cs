using System.Text.Json;
using Hybrid.Testing;

namespace Hybrid.Functions.Tests;

public sealed class HostConfigurationTests
{
    [Fact]
    public void HostJson_ParsesAndNamesTheTaskHub()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("host.json")));

        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        Assert.Equal("HybridHub", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
    }

    [Fact]
    public void LocalSettingsSample_ParsesAndUsesDevelopmentStorage()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("local.settings.sample.json")));
        var values = settings.RootElement.GetProperty("Values");

        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
    }
}
