using Azure.Storage.Blobs;
using Hybrid.Identity.Sealing;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Durable.Rotation;

/// <summary>Puts the secrets a rotation stored into a host's configuration, over the ones it was deployed with.</summary>
public static class RotatedSecretsConfiguration
{
    /// <summary>The setting the rotated Ping client secret overrides: the secret the identity layer introspects with.</summary>
    public const string PingClientSecretSetting = "Identity:Introspection:ClientSecret";

    /// <summary>
    /// Reads the rotated Ping client secret from the secret store (<see cref="KeyRotation.SecretsContainer"/>, sealed with
    /// the key ring in <see cref="KeyRotation.KeyRingContainer"/>) once, at start, and adds it as
    /// <see cref="PingClientSecretSetting"/>. Nothing is added before the first rotation. An instance started before a
    /// rotation keeps the previous secret, which Ping accepts for the grace period.
    /// </summary>
    public static IConfigurationBuilder AddRotatedSecrets(this IConfigurationBuilder builder, string storageConnectionString)
    {
        Check.NotNull(builder);
        Check.NotBlank(storageConnectionString);
        var keys = TokenSealing.CreateProvider(new BlobXmlRepository(new BlobContainerClient(storageConnectionString, KeyRotation.KeyRingContainer)));
        var store = new BlobSecretStore(new BlobContainerClient(storageConnectionString, KeyRotation.SecretsContainer), new TokenSealer(keys));
        var secret = store.GetAsync(RotatedSecrets.PingClientSecret).GetAwaiter().GetResult();
        return secret is null ? builder : builder.AddInMemoryCollection([new KeyValuePair<string, string?>(PingClientSecretSetting, secret)]);
    }
}
