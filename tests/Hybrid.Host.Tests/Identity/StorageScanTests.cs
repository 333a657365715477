using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hybrid.Host.Backends;
using Hybrid.Testing;

namespace Hybrid.Host.Tests.Identity;

/// <summary>
/// Executions on the Azure Storage backend (Azurite) keep their callers' tokens sealed: after runs with a JWT and a
/// reference token, none of Azurite's tables, queues, blobs or files holds either token, or a part of a JWT, in the
/// clear, in base64 or compressed. The scan first proves it finds a token planted in each of those forms.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class StorageScanTests(OidcProviderFixture oidc, AzuriteFixture azurite)
{
    [Fact]
    public async Task ExecutionsOnAzurite_LeaveNoBearerTokenInAnyTableQueueBlobOrFile()
    {
        var backend = new DurableBackendOptions
        {
            Backend = DurableBackendKind.AzureStorage,
            ConnectionString = azurite.ConnectionString,
            TaskHub = "Scan" + Guid.NewGuid().ToString("N")[..12],
            WorkerId = "tests",
        };
        var jwt = await oidc.TokenAsync();
        var reference = await oidc.TokenAsync(resource: OidcProviderFixture.ReferenceResource);
        await using (var host = await IdentityHost.StartAsync(IdentityHost.OidcIdentity(oidc), backend: backend))
        {
            await host.StartAsync("fan", "scan-jwt", jwt, """{"items":[1,2,3]}""");
            await host.StartAsync("greet", "scan-reference", reference);
            Assert.Equal("SUCCEEDED", (string?)(await host.WaitForEndAsync("fan:scan-jwt", () => jwt))["status"]);
            Assert.Equal("SUCCEEDED", (string?)(await host.WaitForEndAsync("greet:scan-reference", () => jwt))["status"]);

            // The audit is in the table beside the history, and the key ring in its blob container.
            var audit = new TableServiceClient(azurite.ConnectionString).GetTableClient(backend.TaskHub + "Audit");
            Assert.Contains(audit.Query<TableEntity>(), e => e.GetString("State") == "Item" && e.GetString("Decision") == "Allow");
            var keys = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(backend.TaskHub.ToLowerInvariant() + "-keys");
            Assert.NotEmpty(keys.GetBlobs());
        }

        // The control: a token planted in each form is found in each place.
        var decoy = await oidc.TokenAsync(client: "hybrid-reader");
        await PlantAsync(decoy);
        var planted = await StorageScan.FindAsync(azurite.ConnectionString, azurite.DataFolder, [decoy]);
        Assert.Contains(planted, f => f.StartsWith("table Decoys", StringComparison.Ordinal));
        Assert.Contains(planted, f => f.StartsWith("queue decoys", StringComparison.Ordinal));
        Assert.Contains(planted, f => f.StartsWith("blob decoys/compressed", StringComparison.Ordinal));

        var findings = await StorageScan.FindAsync(azurite.ConnectionString, azurite.DataFolder, [.. Secrets(jwt), reference]);

        Assert.True(StorageScan.CountFiles(azurite.DataFolder) > 0, "Azurite kept no files: the raw scan read nothing.");
        Assert.Empty(findings);
    }

    /// <summary>The token, and each part of a JWT that identifies it (payload and signature).</summary>
    private static string[] Secrets(string jwt) => [jwt, .. jwt.Split('.')[1..]];

    private async Task PlantAsync(string token)
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Decoys");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Payload"] = Encoding.UTF8.GetBytes(token) });
        var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient("decoys");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(token)));
        var blobs = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("decoys");
        await blobs.CreateIfNotExistsAsync();
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(token));
        }

        compressed.Position = 0;
        await blobs.GetBlobClient("compressed").UploadAsync(compressed, overwrite: true);
    }
}
