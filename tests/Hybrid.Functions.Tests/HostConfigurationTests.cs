using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hybrid.Aws;
using Hybrid.Durable.Rotation;
using Hybrid.Identity.Management;
using Hybrid.Testing;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Functions.Tests;

public sealed partial class HostConfigurationTests
{
    [Fact]
    public void HostJson_ParsesWithTheHubStorageSessionsAndRoutePrefix()
    {
        var host = Parse("host.json");

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal("api", (string?)host["extensions"]!["http"]!["routePrefix"]);
        var durable = host["extensions"]!["durableTask"]!;
        Assert.Equal("HybridHub", (string?)durable["hubName"]);
        Assert.Equal("AzureStorage", (string?)durable["storageProvider"]!["type"]);
        Assert.Equal(FunctionsSettings.Storage, (string?)durable["storageProvider"]!["connectionName"]);
        Assert.True((bool?)durable["extendedSessionsEnabled"]);
        Assert.NotNull(host["logging"]!["logLevel"]!["default"]);
    }

    [Fact]
    public void HostJson_TheDefaultHistoryTableIsTheHubsEventsTable()
    {
        // The Azure Storage backend owns {hub}History, {hub}Instances and {hub}Partitions; the histories use {hub}Events.
        var hub = (string?)Parse("host.json")["extensions"]!["durableTask"]!["hubName"];

        Assert.Equal(FunctionsSettings.DefaultHistoryTable, hub + "Events");
    }

    [Fact]
    public void LocalSettingsSample_ParsesUsesDevelopmentStorageAndHoldsNoSecret()
    {
        var values = Values();

        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.DoesNotContain(values, v => SecretLike().IsMatch(v.Value) && v.Value != "UseDevelopmentStorage=true");
    }

    [Fact]
    public void LocalSettingsSample_ListsEveryKeyTheAppReads()
    {
        var keys = typeof(FunctionsSettings).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !f.Name.StartsWith("Default", StringComparison.Ordinal))
            .Select(f => ((string)f.GetRawConstantValue()!).Replace(":", "__", StringComparison.Ordinal))
            .ToList();
        var timers = FunctionsMetadata.All
            .Where(f => f.TriggerType == "timerTrigger")
            .Select(f => ((string)f.Trigger["schedule"]!).Trim('%').Replace(":", "__", StringComparison.Ordinal));
        var bound = Bound(typeof(RotationOptions), RotationOptions.Section).Concat(Bound(typeof(PingManagementOptions), RotationOptions.Section + ":Ping"))
            .Concat(AwsHostOptions.Keys.Select(k => $"{FunctionsSettings.Aws}:{k}".Replace(":", "__", StringComparison.Ordinal)));
        var values = Values();

        Assert.NotEmpty(keys);
        // A section (Identity) is read as a whole: the sample must fill it.
        Assert.All(keys.Concat(timers).Concat(bound), k => Assert.True(
            values.ContainsKey(k) || values.Keys.Any(v => v.StartsWith(k + "__", StringComparison.Ordinal)), $"local.settings.sample.json has no '{k}'."));
    }

    [Fact]
    public void FunctionsSource_ReadsConfigurationOnlyThroughFunctionsSettings()
    {
        // A key read with a literal would escape the sample check above.
        var source = Directory.EnumerateFiles(RepoPaths.Combine("src", "Hybrid.Functions"), "*.cs", SearchOption.TopDirectoryOnly)
            .Select(File.ReadAllText)
            .ToList();

        Assert.NotEmpty(source);
        Assert.All(source, text => Assert.DoesNotMatch(LiteralConfigurationRead(), text));
    }

    [Fact]
    public void LocalSettingsSample_BindsAndValidatesAsTheAppBindsIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Values().Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value)))
            .Build();

        var rotation = configuration.GetSection(RotationOptions.Section).Get<RotationOptions>()!;

        rotation.Validate();
        Assert.Equal(PingManagementKind.None, rotation.Ping.Kind);
        Assert.Equal(TimeSpan.FromDays(7), rotation.AwsKeyGrace);
    }

    /// <summary>The keys a bound options type reads: its settable scalar properties under the section, in the sample's spelling.</summary>
    private static IEnumerable<string> Bound(Type options, string section) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && (p.PropertyType.IsValueType || p.PropertyType == typeof(string) || p.PropertyType == typeof(Uri) || Nullable.GetUnderlyingType(p.PropertyType) is not null))
            .Select(p => $"{section}:{p.Name}".Replace(":", "__", StringComparison.Ordinal));

    private static JsonNode Parse(string file) =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.Combine(file)), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false })!;

    private static Dictionary<string, string> Values() =>
        Parse("local.settings.sample.json")["Values"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    [GeneratedRegex(@"(?i)(AccountKey=|SharedAccessSignature|secret[^""]*=|password)")]
    private static partial Regex SecretLike();

    [GeneratedRegex(@"(configuration|Configuration|config)\s*\[\s*""|GetSection\(\s*""|GetValue<[^>]+>\(\s*""")]
    private static partial Regex LiteralConfigurationRead();
}
