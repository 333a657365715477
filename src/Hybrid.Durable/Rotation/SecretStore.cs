using Azure;
using Azure.Storage.Blobs;
using Hybrid.Identity.Sealing;

namespace Hybrid.Durable.Rotation;

/// <summary>Where rotated secrets live, so every instance (and every restart) uses the newest one.</summary>
public interface ISecretStore
{
    /// <returns>Null when no secret of that name was stored.</returns>
    /// <exception cref="InvalidOperationException">The stored secret cannot be unsealed (altered, or its key is gone).</exception>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken = default);

    Task SetAsync(string name, string value, CancellationToken cancellationToken = default);
}

/// <summary>
/// Secrets in a blob container (the app's storage account; Azurite locally), one blob per name, each sealed with the
/// Data Protection key ring (<see cref="ITokenSealer"/>, purpose <c>secret:{name}</c>): the blobs never hold a secret in
/// plaintext. The container must be private, like the key ring's.
/// </summary>
public sealed class BlobSecretStore(BlobContainerClient container, ITokenSealer sealer) : ISecretStore
{
    private const string Prefix = "secrets/";
    private volatile bool _created;

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        Check.NotBlank(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        string sealedValue;
        try
        {
            sealedValue = (await container.GetBlobClient(Prefix + name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        return sealer.TryUnseal(sealedValue, Purpose(name), out var value)
            ? value
            : throw new InvalidOperationException($"The stored secret '{name}' cannot be unsealed: it was altered, or the Data Protection key that sealed it is gone.");
    }

    public async Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        Check.NotBlank(name);
        Check.NotBlank(value);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(Prefix + name).UploadAsync(BinaryData.FromString(sealer.Seal(value, Purpose(name))), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private static string Purpose(string name) => "secret:" + name;

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _created = true;
        }
    }
}
