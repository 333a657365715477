using Hybrid.Api;
using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Identity.Audit;
using Hybrid.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions.Tests;

/// <summary>The worker's container, built as Program.cs builds it, from the sample settings.</summary>
public sealed class ServiceWiringTests
{
    [Fact]
    public void AddHybridFunctions_FromTheSampleSettings_ResolvesEveryFunctionClassAndActivity()
    {
        using var services = Build(Sample());

        Assert.NotNull(ActivatorUtilities.CreateInstance<HttpFunctions>(services));
        Assert.NotNull(ActivatorUtilities.GetServiceOrCreateInstance<DispatchActivity>(services));
        Assert.NotNull(ActivatorUtilities.GetServiceOrCreateInstance<RecordHistoryActivity>(services));
        Assert.IsType<TableExecutionHistoryStore>(services.GetRequiredService<IExecutionHistoryStore>());
        Assert.IsType<TableAuditLog>(services.GetRequiredService<IAuditLog>());
        Assert.IsType<IdentityApiAuthorizer>(services.GetRequiredService<IHybridApiAuthorizer>());
        Assert.IsType<IdentityDispatchMiddleware>(services.GetServices<IDispatchMiddleware>().First());
        Assert.Contains(services.GetRequiredService<IWorkflowRegistry>().List(), w => w.Name == "approval");
        var handlers = services.GetRequiredService<TaskHandlerRegistry>();
        Assert.True(handlers.TryResolveLongRunning("arn:aws:states:::states:startExecution.sync:2", out _));
        Assert.NotNull(ActivatorUtilities.CreateInstance<TimerFunctions>(services));
    }

    [Fact]
    public void AddHybridFunctions_WithoutStorage_NamesTheMissingSetting()
    {
        var settings = Sample();
        settings.Remove(FunctionsSettings.Storage);

        var e = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.Contains("'AzureWebJobsStorage' is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHybridFunctions_WithoutIdentity_RefusesToStart()
    {
        var settings = Sample().Where(p => !p.Key.StartsWith("Identity:", StringComparison.Ordinal)).ToDictionary();

        var e = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.Contains("'Identity' is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHybridFunctions_WithAMissingWorkflowsFolder_StopsAtStart()
    {
        var settings = Sample();
        settings[FunctionsSettings.Workflows] = "no-such-folder";

        Assert.Throws<DirectoryNotFoundException>(() => Build(settings));
    }

    [Fact]
    public void AddHybridFunctions_WithARelativeAwsEndpoint_NamesTheSetting()
    {
        var settings = Sample();
        settings[FunctionsSettings.Aws + ":Endpoints:Iam"] = "iam.local";

        var e = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.Contains("'Hybrid:Aws:Endpoints:Iam'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AttemptTimeout", "30", "'Hybrid:Aws:AttemptTimeout' ('30') is 30.00:00:00, longer than the 01:00:00 allowed")]
    [InlineData("Retry:MaxAttempts", "0", "'Hybrid:Aws:Retry:MaxAttempts' ('0') is not between 1 and 100.")]
    [InlineData("Retry:BaseDelay", "00:00:30", "Retry:MaxDelay (00:00:20) is shorter than Retry:BaseDelay (00:00:30).")]
    public void AddHybridFunctions_BadAwsClientSetting_RefusesToStartNamingIt(string key, string value, string message)
    {
        var settings = Sample();
        settings[FunctionsSettings.Aws + ":" + key] = value;

        var e = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.Contains($"The setting section 'Hybrid:Aws' is not valid: {message}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHybridFunctions_PingOneWithoutItsSettings_NamesEveryMissingOne()
    {
        var settings = Sample();
        settings["Hybrid:Rotation:Ping:Kind"] = "PingOne";
        settings["Hybrid:Rotation:Ping:EnvironmentId"] = "env";

        var e = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.Contains("Hybrid:Rotation:Ping:ApiPath", e.Message, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Rotation:Ping:WorkerClientSecret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EnvironmentId", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The sample's values, as the worker sees them (<c>__</c> read as <c>:</c>), with the samples as workflows.</summary>
    private static Dictionary<string, string?> Sample()
    {
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.Combine("local.settings.sample.json")))!["Values"]!.AsObject();
        var settings = values.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value);
        settings[FunctionsSettings.Workflows] = RepoPaths.Combine("samples");
        return settings;
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging()
            .AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" })
            .AddHybridFunctions(configuration, AppContext.BaseDirectory).BuildServiceProvider();
    }
}
