using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Hybrid.Testing;

namespace Hybrid.Functions.Tests;

/// <summary>infra/azure compiles with the Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64) without a warning, and sets every setting the app reads.</summary>
public sealed class InfrastructureTests
{
    private const string BicepPackage = "Azure.Bicep.CommandLine.linux-x64";

    [Fact]
    public async Task BicepBuild_MainTemplate_PassesWithNoWarningsAndSetsEveryAppSetting()
    {
        var output = Path.Combine(Path.GetTempPath(), "hybrid-bicep-" + Path.GetRandomFileName());
        Directory.CreateDirectory(output);
        try
        {
            var (exit, stdout, stderr) = await RunAsync(Bicep(), "build", RepoPaths.Combine("infra", "azure", "main.bicep"), "--outdir", output);

            Assert.True(exit == 0, $"bicep build failed ({exit}):\n{stderr}{stdout}");
            Assert.True(stderr.Trim().Length == 0, $"bicep build reported:\n{stderr}");

            var template = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "main.json")))!;
            // An array, or an object by symbolic name when the template uses language version 2.0.
            var resources = template["resources"] is JsonArray array ? array.Select(r => r!).ToList() : template["resources"]!.AsObject().Select(r => r.Value!).ToList();
            var types = resources.Select(r => (string)r["type"]!).ToList();
            Assert.Contains("Microsoft.Web/sites", types);
            Assert.Contains("Microsoft.Web/serverfarms", types);
            Assert.Contains("Microsoft.KeyVault/vaults", types);
            Assert.Contains("Microsoft.Insights/components", types);
            Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", types);

            var site = resources.Single(r => (string)r["type"]! == "Microsoft.Web/sites");
            Assert.Equal("FlexConsumption", (string?)resources.Single(r => (string)r["type"]! == "Microsoft.Web/serverfarms")["sku"]!["tier"]);
            var settings = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Select(s => (string)s!["name"]!).ToHashSet(StringComparer.Ordinal);

            // Flex Consumption names the runtime in functionAppConfig (FUNCTIONS_WORKER_RUNTIME is refused there), and Azure
            // runs the app in Production: the sample's local-only keys are not app settings.
            var sample = JsonNode.Parse(File.ReadAllText(RepoPaths.Combine("local.settings.sample.json")))!["Values"]!.AsObject()
                .Select(p => p.Key)
                .Where(k => k is not ("FUNCTIONS_WORKER_RUNTIME" or "AZURE_FUNCTIONS_ENVIRONMENT"));
            Assert.All(sample, k => Assert.Contains(k, settings));
            Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings);
            Assert.Contains("Identity__Authority", settings);
            Assert.Equal("false", (string?)site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Single(a => (string?)a!["name"] == "Identity__TrustDevelopmentIssuer")!["value"]);
            Assert.Equal("dotnet-isolated", (string?)site["properties"]!["functionAppConfig"]!["runtime"]!["name"]);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>The CLI from the NuGet package the test project downloads, in the version Directory.Packages.props pins.</summary>
    private static string Bicep()
    {
        var root = typeof(InfrastructureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        var version = XDocument.Load(RepoPaths.Combine("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == BicepPackage).Attribute("Version")!.Value;
        var bicep = Path.Combine(root, BicepPackage.ToLowerInvariant(), version, "tools", "bicep");
        Assert.True(File.Exists(bicep), $"The Bicep CLI is not at {bicep}; restore tests/Hybrid.Functions.Tests (it downloads {BicepPackage} {version}).");
        return bicep;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("bicep build did not finish within 3 minutes.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
