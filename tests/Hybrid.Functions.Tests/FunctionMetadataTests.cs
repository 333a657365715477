using System.Reflection;
using System.Text.RegularExpressions;
using Hybrid.Api;
using Hybrid.Api.Tests.Fakes;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;
using Hybrid.Durable.Rotation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions.Tests;

/// <summary>Build-time checks of the generated <c>functions.metadata</c>: names, triggers, bindings and routes.</summary>
public sealed partial class FunctionMetadataTests
{
    public static TheoryData<string, string> DurableFunctions => new()
    {
        { DurableNames.Machine, "orchestrationTrigger" },
        { DurableNames.Batch, "orchestrationTrigger" },
        { DurableNames.StopTasks, "orchestrationTrigger" },
        { DurableNames.Dispatch, "activityTrigger" },
        { DurableNames.RecordHistory, "activityTrigger" },
        { DurableNames.StopInstances, "activityTrigger" },
        { RotationNames.Orchestration, "orchestrationTrigger" },
        { RotationNames.RollDataProtectionKey, "activityTrigger" },
        { RotationNames.RotatePingSecret, "activityTrigger" },
        { RotationNames.SwitchAwsKey, "activityTrigger" },
        { RotationNames.DeactivateAwsKey, "activityTrigger" },
        { RotationNames.DeleteAwsKey, "activityTrigger" },
    };

    [Theory]
    [MemberData(nameof(DurableFunctions))]
    public void DurableTasks_AreFunctionsUnderTheirDurableNames(string name, string trigger)
    {
        var function = FunctionsMetadata.Get(name);

        Assert.Equal(trigger, function.TriggerType);
        Assert.Equal("In", (string?)function.Trigger["direction"]);
        Assert.StartsWith("Hybrid.Functions.", function.EntryPoint, StringComparison.Ordinal);
    }

    [Fact]
    public void DurableNames_EveryNameHasAFunction()
    {
        var names = typeof(DurableNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(RotationNames).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(FunctionsMetadata.All, f => f.Name == n && f.TriggerType is "orchestrationTrigger" or "activityTrigger"));
    }

    [Fact]
    public void KeyRotationTimer_ReadsItsScheduleFromSettingsAndStartsDurableWork()
    {
        var timer = FunctionsMetadata.Get("Timer-KeyRotation");

        Assert.Equal("timerTrigger", timer.TriggerType);
        Assert.Equal("%Hybrid:Rotation:Schedule%", (string?)timer.Trigger["schedule"]);
        Assert.Contains(timer.Bindings, b => (string?)b["type"] == "durableClient");
    }

    [Fact]
    public void Functions_AreExactlyTheDurableTasksTheHttpApiAndTheTimers()
    {
        var kinds = FunctionsMetadata.All.GroupBy(f => f.TriggerType).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(["activityTrigger", "httpTrigger", "orchestrationTrigger", "timerTrigger"], kinds.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(DurableFunctions.Count(d => (string)d[1] == "orchestrationTrigger"), kinds["orchestrationTrigger"]);
        Assert.Equal(DurableFunctions.Count(d => (string)d[1] == "activityTrigger"), kinds["activityTrigger"]);
    }

    [Fact]
    public void EveryFunctionName_IsOneTheFunctionsHostAccepts()
    {
        // The host's own rule (WebJobs Script Utility.IsValidFunctionName): a dot in a name stops the host.
        Assert.All(FunctionsMetadata.All, f => Assert.Matches(HostFunctionName(), f.Name));
        Assert.Equal(FunctionsMetadata.All.Count, FunctionsMetadata.All.Select(f => f.Name.ToUpperInvariant()).Distinct().Count());
    }

    [Fact]
    public void HttpFunctions_HaveAnonymousTriggersWithAReturnBindingAndADurableClient()
    {
        var http = FunctionsMetadata.All.Where(f => f.TriggerType == "httpTrigger").ToList();

        Assert.NotEmpty(http);
        Assert.All(http, f =>
        {
            Assert.Equal("Anonymous", (string?)f.Trigger["authLevel"]);
            Assert.Contains(f.Bindings, b => (string?)b["type"] == "durableClient" && (string?)b["direction"] == "In");
            Assert.Contains(f.Bindings, b => (string?)b["type"] == "http" && (string?)b["direction"] == "Out" && (string?)b["name"] == "$return");
        });
    }

    [Fact]
    public void StopInstancesActivity_BindsADurableClient()
    {
        var function = FunctionsMetadata.Get(DurableNames.StopInstances);

        Assert.Contains(function.Bindings, b => (string?)b["type"] == "durableClient" && (string?)b["direction"] == "In");
    }

    [Fact]
    public void HttpFunctions_ServeExactlyTheLocalHostsApiRoutes()
    {
        var functions = FunctionsMetadata.All
            .Where(f => f.TriggerType == "httpTrigger")
            .SelectMany(f => f.Methods.Select(m => $"{m} /api/{f.Route}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(LocalHostApiRoutes(), functions);
    }

    /// <summary>The routes the local host maps under /api, from its real endpoint table.</summary>
    private static List<string> LocalHostApiRoutes()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var fake = new FakeExecutionService();
        builder.Services.AddSingleton<IExecutionService>(fake);
        builder.Services.AddSingleton<IWorkflowRegistry>(fake);
        builder.Services.AddHybridApi();
        using var app = builder.Build();
        app.MapHybridApi();
        return
        [
            .. ((IEndpointRouteBuilder)app).DataSources
                .SelectMany(d => d.Endpoints)
                .OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
                .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))
                .Order(StringComparer.Ordinal),
        ];
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_\-]{0,127}$", RegexOptions.IgnoreCase)]
    private static partial Regex HostFunctionName();
}
