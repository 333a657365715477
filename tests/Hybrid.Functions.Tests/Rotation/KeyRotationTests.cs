using Amazon.Runtime;
using Azure.Data.Tables;
using Hybrid.Aws;
using Hybrid.Aws.TestServer;
using Hybrid.Durable.Rotation;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Management;
using Hybrid.Identity.Sealing;
using Hybrid.Testing;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Functions.Tests.Rotation;

/// <summary>
/// The key rotation orchestration through the durable runtime on Azurite, against the OIDC test provider (the PingOne
/// worker's token), the strict Ping management double and the strict AWS test server. Each test has its own Azurite
/// and AWS server, so no key or secret leaks from one to the next.
/// </summary>
public sealed class KeyRotationTests(OidcProviderFixture oidc) : IClassFixture<OidcProviderFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Occurrence = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

    private readonly AzuriteFixture _azurite = new();
    private AwsTestServer _aws = null!;
    private PingManagementDouble _ping = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _aws = await AwsTestServer.StartAsync();
        _ping = await PingManagementDouble.StartAsync(new Uri(oidc.Issuer), "hybrid-admin");
    }

    public async Task DisposeAsync()
    {
        await _ping.DisposeAsync();
        await _aws.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Rotation_PingOneAwsKeyAndKeyRing_EveryStepDoneSwitchedAndAudited()
    {
        var options = Options(PingOne());
        await using var host = await RotationHost.StartAsync(_azurite.ConnectionString, options, Aws());
        var sealer = host.Services.GetRequiredService<ITokenSealer>();
        var keys = host.Services.GetRequiredService<IKeyManager>();
        var sealedBefore = sealer.Seal("bearer-before-the-roll", "exec-1");
        var keysBefore = keys.GetAllKeys().Count;

        var (id, report) = await host.RunAsync(options, Occurrence);

        Assert.True(report.Succeeded, string.Join("\n", report.Steps));
        Assert.Equal(
            [RotationNames.RollDataProtectionKey, RotationNames.RotatePingSecret, RotationNames.SwitchAwsKey, RotationNames.DeactivateAwsKey, RotationNames.DeleteAwsKey],
            report.Steps.Select(s => s.Step));

        // Data Protection: a new key, and what the old key sealed still unseals.
        Assert.Equal(keysBefore + 1, keys.GetAllKeys().Count);
        Assert.True(sealer.TryUnseal(sealedBefore, "exec-1", out var unsealed));
        Assert.Equal("bearer-before-the-roll", unsealed);

        // Ping: one rotation, by the worker's token; the new secret stored, the previous valid for the grace period.
        var store = host.Services.GetRequiredService<ISecretStore>();
        Assert.Equal(_ping.Secret, await store.GetAsync(RotatedSecrets.PingClientSecret));
        var previous = Assert.Single(_ping.Older);
        Assert.Equal("initial-secret-0123456789", previous.Secret);
        Assert.InRange(previous.Expiry - DateTimeOffset.UtcNow, options.PingGrace - TimeSpan.FromMinutes(5), options.PingGrace);
        Assert.Equal([$"POST /v1/environments/{PingManagementDouble.EnvironmentId}/applications/{PingManagementDouble.ApplicationId}/secret 200"], _ping.Calls);

        // AWS: one key left, the new one, active; it signed the deactivation and the deletion of the old one.
        var key = Assert.Single(_aws.Iam.AccessKeys);
        Assert.NotEqual(AwsTestServer.DefaultAccessKeyId, key.AccessKeyId);
        Assert.Equal("Active", key.Status);
        var stored = await host.Services.GetRequiredService<RotatedAwsCredentials>().GetStoredAsync();
        Assert.Equal((key.AccessKeyId, AwsTestServer.DefaultAccessKeyId, id), (stored!.AccessKeyId, stored.PreviousAccessKeyId, stored.RotationId));
        var iam = _aws.Requests.Where(r => r.Service == "iam").Select(r => (r.Operation, r.AccessKeyId)).ToList();
        Assert.Equal(
            [
                ("ListAccessKeys", AwsTestServer.DefaultAccessKeyId),
                ("CreateAccessKey", AwsTestServer.DefaultAccessKeyId),
                ("UpdateAccessKey", key.AccessKeyId),
                ("DeleteAccessKey", key.AccessKeyId),
            ],
            iam);
        Assert.Equal("Inactive", (string?)_aws.Requests.Single(r => r.Operation == "UpdateAccessKey").Input!["Status"]);

        // The audit: one Allow entry per step, by the rotation, with no secret in it.
        var audit = await AuditAsync(id);
        Assert.Equal(report.Steps.Select(s => s.Step), audit.Select(a => a.Action));
        Assert.All(audit, a =>
        {
            Assert.Equal(AuditDecision.Allow, a.Decision);
            Assert.Equal("hybrid:key-rotation", a.Subject);
            Assert.DoesNotContain(_ping.Secret, a.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(stored.SecretAccessKey, a.Reason, StringComparison.Ordinal);
        });

        // A repeated firing of the same occurrence starts nothing.
        Assert.False((await KeyRotation.StartAsync(host.Client, options.ToRun(), Occurrence)).Started);
        _aws.AssertNoRejections();
        Assert.Empty(_ping.Unexpected);
    }

    [Fact]
    public async Task Rotation_PingFederate_PutsANewSecretAndKeepsTheOldOneAsASecondaryUntilTheGraceEnds()
    {
        var options = Options(PingFederate()) with { AwsAccessKey = false, DataProtection = false };
        await using var host = await RotationHost.StartAsync(_azurite.ConnectionString, options, Aws());

        var (id, report) = await host.RunAsync(options, Occurrence);

        var step = Assert.Single(report.Steps);
        Assert.True(step.Succeeded, step.Detail);
        Assert.Equal(_ping.Secret, await host.Services.GetRequiredService<ISecretStore>().GetAsync(RotatedSecrets.PingClientSecret));
        Assert.NotEqual("initial-secret-0123456789", _ping.Secret);
        var secondary = Assert.Single(_ping.Older);
        Assert.Equal("initial-secret-0123456789", secondary.Secret);
        Assert.InRange(secondary.Expiry - DateTimeOffset.UtcNow, options.PingGrace - TimeSpan.FromMinutes(5), options.PingGrace);
        var path = $"/pf-admin-api/v1/oauth/clients/{PingManagementDouble.PfClientId}/clientAuth/clientSecret";
        Assert.Equal([$"GET {path} 200", $"PUT {path} 200"], _ping.Calls);
        Assert.Equal(AuditDecision.Allow, Assert.Single(await AuditAsync(id)).Decision);
        Assert.Empty(_ping.Unexpected);

        // An instance that starts now configures the identity layer with the rotated secret.
        var configuration = new ConfigurationBuilder().AddRotatedSecrets(_azurite.ConnectionString).Build();
        Assert.Equal(_ping.Secret, configuration[RotatedSecretsConfiguration.PingClientSecretSetting]);
        Assert.Empty(_aws.Requests);
    }

    [Fact]
    public async Task Rotation_WrongWorkerSecretAndASecondActiveAwsKey_ReportsAndAuditsEachFailureAndChangesNothing()
    {
        var options = Options(PingOne() with { WorkerClientSecret = "not-the-secret" });
        _aws.Iam.AddAccessKey(AwsTestServer.DefaultUserName, "AKIAHYBRIDTESTOTHER1", "another-secret-0123456789");
        await using var host = await RotationHost.StartAsync(_azurite.ConnectionString, options, Aws());

        var (id, report) = await host.RunAsync(options, Occurrence);

        Assert.Equal([RotationNames.RollDataProtectionKey, RotationNames.RotatePingSecret, RotationNames.SwitchAwsKey], report.Steps.Select(s => s.Step));
        Assert.True(report.Steps[0].Succeeded);
        Assert.Contains("worker token request", report.Steps[1].Detail, StringComparison.Ordinal);
        Assert.Contains("AKIAHYBRIDTESTOTHER1", report.Steps[2].Detail, StringComparison.Ordinal);
        Assert.All(report.Steps.Skip(1), s => Assert.Equal(RotationStepResult.Failed, s.Outcome));

        // Nothing changed: both AWS keys active, no secret stored, Ping never called.
        Assert.Equal(["Active", "Active"], _aws.Iam.AccessKeys.Select(k => k.Status));
        Assert.DoesNotContain(_aws.Requests, r => r.Operation is "CreateAccessKey" or "UpdateAccessKey" or "DeleteAccessKey");
        Assert.Null(await host.Services.GetRequiredService<ISecretStore>().GetAsync(RotatedSecrets.PingClientSecret));
        Assert.Null(new ConfigurationBuilder().AddRotatedSecrets(_azurite.ConnectionString).Build()[RotatedSecretsConfiguration.PingClientSecretSetting]);
        Assert.Empty(_ping.Calls);

        // Each failed attempt is audited as a denial with the error.
        var audit = await AuditAsync(id);
        Assert.Equal(3, audit.Count(a => a.Action == RotationNames.RotatePingSecret && a.Decision == AuditDecision.Deny && a.Error == "Hybrid.RotationFailed"));
        Assert.Equal(3, audit.Count(a => a.Action == RotationNames.SwitchAwsKey && a.Decision == AuditDecision.Deny));
        Assert.Single(audit, a => a.Decision == AuditDecision.Allow);
        _aws.AssertNoRejections();
    }

    private static RotationOptions Options(PingManagementOptions ping) => new()
    {
        Ping = ping,
        PingGrace = TimeSpan.FromHours(2),
        AwsAccessKey = true,
        AwsSwitchDelay = TimeSpan.FromSeconds(1),
        AwsKeyGrace = TimeSpan.FromSeconds(2),
        StepRetryInterval = TimeSpan.FromMilliseconds(200),
    };

    private PingManagementOptions PingOne() => new()
    {
        Kind = PingManagementKind.PingOne,
        ApiPath = new Uri(_ping.BaseAddress, "v1"),
        EnvironmentId = PingManagementDouble.EnvironmentId,
        ApplicationId = PingManagementDouble.ApplicationId,
        TokenEndpoint = new Uri($"{oidc.Issuer}/as/token.oauth2"),
        WorkerClientId = "hybrid-admin",
        WorkerClientSecret = "admin-secret",
        TokenResource = OidcProviderFixture.JwtResource,
    };

    private PingManagementOptions PingFederate() => new()
    {
        Kind = PingManagementKind.PingFederate,
        AdminApi = new Uri(_ping.BaseAddress, "pf-admin-api/v1"),
        ClientId = PingManagementDouble.PfClientId,
        AdminUser = PingManagementDouble.AdminUser,
        AdminPassword = PingManagementDouble.AdminPassword,
    };

    private AwsClientOptions Aws() => new()
    {
        Region = _aws.Region,
        IamEndpoint = _aws.IamEndpoint,
        StepFunctionsEndpoint = _aws.StepFunctionsEndpoint,
        StsEndpoint = _aws.StsEndpoint,
        Credentials = new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, AwsTestServer.DefaultSecretAccessKey),
        Retry = new AwsRetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    private async Task<List<AuditEntry>> AuditAsync(string rotationId) =>
        [.. (await new TableAuditLog(new TableClient(_azurite.ConnectionString, TableAuditLog.DefaultTableName)).QueryByExecutionAsync(rotationId)).OrderBy(a => a.Time)];
}
