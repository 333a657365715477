using System.Globalization;
using Amazon.Runtime;
using Hybrid.Aws;
using Hybrid.Aws.Iam;
using Hybrid.Aws.TestServer;
using Hybrid.Durable.Rotation;
using Hybrid.Testing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions.Tests.Rotation;

/// <summary>
/// The temporary-role sweeper's timer function, resolved from the container the app builds (settings as in the sample,
/// storage on Azurite) and called as the host would, against the strict AWS test server: it signs with the key the
/// secret store holds, as after a rotation.
/// </summary>
public sealed class RoleSweeperTimerTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private AwsTestServer _aws = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _aws = await AwsTestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _aws.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task SweepRoles_DeletesOnlyExpiredTemporaryRoles_SigningWithTheStoredKey()
    {
        var now = DateTimeOffset.UtcNow;
        using (var admin = new AwsClients(new AwsClientOptions { IamEndpoint = _aws.IamEndpoint, Credentials = new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, AwsTestServer.DefaultSecretAccessKey) }))
        {
            await CreateRoleAsync(admin.Iam, "expired", "/hybrid/temporary/", now.AddMinutes(-5));
            await CreateRoleAsync(admin.Iam, "live", "/hybrid/temporary/", now.AddHours(1));
            await CreateRoleAsync(admin.Iam, "elsewhere", "/other/", now.AddMinutes(-5));
            await admin.Iam.PutRolePolicyAsync("expired", "access", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""");
        }

        _aws.ClearLog();
        await using var services = Services();
        await services.GetRequiredService<RotatedAwsCredentials>().SwitchAsync(new StoredAwsKey(AwsTestServer.DefaultAccessKeyId, AwsTestServer.DefaultSecretAccessKey, null, "seeded"));
        var timers = ActivatorUtilities.CreateInstance<TimerFunctions>(services);

        await timers.SweepRoles(new TimerInfo(), CancellationToken.None);

        Assert.Equal(["elsewhere", "live"], _aws.Iam.Roles.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Contains(_aws.Requests, r => r.Operation == "DeleteRolePolicy");
        Assert.All(_aws.Requests, r => Assert.Equal(AwsTestServer.DefaultAccessKeyId, r.AccessKeyId));

        // A second sweep finds nothing to do.
        _aws.ClearLog();
        await timers.SweepRoles(new TimerInfo(), CancellationToken.None);
        Assert.DoesNotContain(_aws.Requests, r => r.Operation.StartsWith("Delete", StringComparison.Ordinal));
        _aws.AssertNoRejections();
    }

    private static Task CreateRoleAsync(IIamClient iam, string name, string path, DateTimeOffset expires) =>
        iam.CreateRoleAsync(new CreateRoleRequest(
            name,
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}""",
            Path: path,
            Tags: [new AwsTag("hybrid:expires", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))]));

    private ServiceProvider Services()
    {
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.Combine("local.settings.sample.json")))!["Values"]!.AsObject();
        var settings = values.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value);
        settings[FunctionsSettings.Storage] = _azurite.ConnectionString;
        settings[FunctionsSettings.Workflows] = RepoPaths.Combine("samples");
        settings[FunctionsSettings.Aws + ":Endpoints:Iam"] = _aws.IamEndpoint.AbsoluteUri;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging()
            .AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" })
            .AddHybridFunctions(configuration, AppContext.BaseDirectory).BuildServiceProvider();
    }
}
