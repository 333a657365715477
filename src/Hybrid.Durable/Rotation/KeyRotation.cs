using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Hybrid.Aws;
using Hybrid.Aws.Iam;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Management;
using Hybrid.Identity.Sealing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Hybrid.Durable.Rotation;

/// <summary>Wiring of the key rotation for any host: its Durable tasks, its services, and how a timer starts it.</summary>
public static class KeyRotation
{
    /// <summary>The blob container of the Data Protection key ring.</summary>
    public const string KeyRingContainer = "hybrid-keys";

    /// <summary>The blob container of the rotated secrets.</summary>
    public const string SecretsContainer = "hybrid-secrets";

    /// <summary>The named HttpClient of the Ping management API.</summary>
    public const string PingHttpClient = "Hybrid.PingManagement";

    /// <summary>Registers the rotation orchestration and its activities under their Durable names.</summary>
    public static DurableTaskRegistry AddHybridRotationTasks(this DurableTaskRegistry registry)
    {
        Check.NotNull(registry);
        registry.AddOrchestrator<KeyRotationOrchestrator>(RotationNames.Orchestration);
        registry.AddActivity<RollDataProtectionKeyActivity>(RotationNames.RollDataProtectionKey);
        registry.AddActivity<RotatePingSecretActivity>(RotationNames.RotatePingSecret);
        registry.AddActivity<SwitchAwsKeyActivity>(RotationNames.SwitchAwsKey);
        registry.AddActivity<DeactivateAwsKeyActivity>(RotationNames.DeactivateAwsKey);
        registry.AddActivity<DeleteAwsKeyActivity>(RotationNames.DeleteAwsKey);
        return registry;
    }

    /// <summary>
    /// Registers what the rotation's activities need, all in one storage account: the Data Protection key ring
    /// (<paramref name="keyRingContainer"/>, application name <see cref="TokenSealing.ApplicationName"/>) with its
    /// <see cref="ITokenSealer"/>, the <see cref="ISecretStore"/> (<see cref="SecretsContainer"/>), the audit log in table
    /// <see cref="TableAuditLog.DefaultTableName"/> (unless one is registered), the Ping rotator when configured, and the AWS
    /// clients, signing with <see cref="RotatedAwsCredentials"/>.
    /// </summary>
    /// <param name="services">The host's container.</param>
    /// <param name="options">The rotation settings; validated here.</param>
    /// <param name="storageConnectionString">The storage account (Azurite: <c>UseDevelopmentStorage=true</c>).</param>
    /// <param name="aws">Where the AWS clients call; <see cref="AwsClientOptions.Credentials"/> is the key used until a rotation stores one (null: the default chain).</param>
    /// <param name="keyRingContainer">The blob container of the key ring the host seals tokens with.</param>
    /// <exception cref="InvalidOperationException">A rotation setting is missing or out of range.</exception>
    public static IServiceCollection AddHybridRotation(this IServiceCollection services, RotationOptions options, string storageConnectionString, AwsClientOptions aws, string keyRingContainer = KeyRingContainer)
    {
        Check.NotNull(services);
        Check.NotNull(options);
        Check.NotBlank(storageConnectionString);
        Check.NotNull(aws);
        options.Validate();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddDataProtection()
            .SetApplicationName(TokenSealing.ApplicationName)
            .PersistKeysToBlobContainer(new BlobContainerClient(storageConnectionString, Check.NotBlank(keyRingContainer)));
        services.TryAddSingleton<ITokenSealer>(sp => new TokenSealer(sp.GetRequiredService<IDataProtectionProvider>()));
        services.TryAddSingleton<ISecretStore>(sp => new BlobSecretStore(new BlobContainerClient(storageConnectionString, SecretsContainer), sp.GetRequiredService<ITokenSealer>()));
        services.TryAddSingleton<IAuditLog>(new TableAuditLog(new TableClient(storageConnectionString, TableAuditLog.DefaultTableName)));

        services.AddHttpClient(PingHttpClient, c => c.Timeout = TimeSpan.FromSeconds(30));
        if (options.Ping.Kind != PingManagementKind.None)
        {
            services.AddSingleton(sp => PingSecretRotator.Create(
                options.Ping, sp.GetRequiredService<IHttpClientFactory>().CreateClient(PingHttpClient), sp.GetRequiredService<TimeProvider>())!);
        }

        services.TryAddSingleton(sp => new RotatedAwsCredentials(sp.GetRequiredService<ISecretStore>(), aws.Credentials, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new AwsClients(
            aws with { Credentials = sp.GetRequiredService<RotatedAwsCredentials>() },
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IIamClient>(sp => sp.GetRequiredService<AwsClients>().Iam);
        return services;
    }

    /// <summary>The rotation's instance id for a timer occurrence: a repeated or late firing of the same occurrence starts nothing new.</summary>
    public static string InstanceId(DateTimeOffset occurrence) =>
        "key-rotation-" + occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Starts the rotation for a timer occurrence unless that occurrence already started one.</summary>
    /// <returns>The instance id, and whether this call started it.</returns>
    public static async Task<(string InstanceId, bool Started)> StartAsync(DurableTaskClient client, RotationRun run, DateTimeOffset occurrence, CancellationToken cancellationToken = default)
    {
        Check.NotNull(client);
        Check.NotNull(run);
        var id = InstanceId(occurrence);
        if (await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return (id, false);
        }

        await client.ScheduleNewOrchestrationInstanceAsync(RotationNames.Orchestration, run, new StartOrchestrationOptions(id), cancellationToken).ConfigureAwait(false);
        return (id, true);
    }
}
