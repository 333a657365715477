using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Hybrid.Host.Tests.Identity;

/// <summary>
/// Reads everything an Azurite instance holds, raw: every table entity's every property, every queue's messages, every
/// blob, and every file Azurite keeps on disk. Each value is searched as text, and again after undoing base64 and gzip
/// wherever they are found, so a secret stored encoded or compressed is found too.
/// </summary>
internal static partial class StorageScan
{
    /// <summary>Where each secret was found ("table X, entity P/R, property N"), or nothing.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(string connectionString, string dataFolder, IReadOnlyCollection<string> secrets)
    {
        var found = new List<string>();
        void Search(string where, byte[] bytes) => found.AddRange(Matches(bytes, secrets, depth: 0).Select(s => $"{where}: {s[..Math.Min(12, s.Length)]}..."));

        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach (var (name, value) in entity)
                {
                    var bytes = value switch
                    {
                        byte[] b => b,
                        BinaryData d => d.ToArray(),
                        null => [],
                        _ => Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                    };
                    Search($"table {table.Name}, entity {entity.PartitionKey}/{entity.RowKey}, property {name}", bytes);
                }
            }
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                Search($"queue {queue.Name}, message {message.MessageId}", message.Body.ToArray());
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                Search($"blob {container.Name}/{blob.Name}", (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray());
            }
        }

        foreach (var file in Directory.EnumerateFiles(dataFolder, "*", SearchOption.AllDirectories))
        {
            Search($"file {Path.GetRelativePath(dataFolder, file)}", await File.ReadAllBytesAsync(file));
        }

        return found;
    }

    /// <summary>Every file, entity, message and blob the scan reads, counted, to show it read something.</summary>
    public static int CountFiles(string dataFolder) => Directory.EnumerateFiles(dataFolder, "*", SearchOption.AllDirectories).Count();

    private static IEnumerable<string> Matches(byte[] bytes, IReadOnlyCollection<string> secrets, int depth)
    {
        if (bytes.Length == 0 || depth > 3)
        {
            yield break;
        }

        var text = Encoding.UTF8.GetString(bytes);
        foreach (var secret in secrets.Where(s => text.Contains(s, StringComparison.Ordinal)))
        {
            yield return secret;
        }

        if (Gunzip(bytes) is { } inflated)
        {
            foreach (var secret in Matches(inflated, secrets, depth + 1))
            {
                yield return secret;
            }
        }

        // Base64 and base64url runs (queue messages, binary properties, JSON-escaped payloads) decoded and searched again.
        foreach (Match run in Base64Run().Matches(text))
        {
            if (Decode(run.Value) is { } decoded)
            {
                foreach (var secret in Matches(decoded, secrets, depth + 1))
                {
                    yield return secret;
                }
            }
        }
    }

    private static byte[]? Decode(string run)
    {
        var normal = run.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        normal = normal.PadRight(normal.Length + ((4 - (normal.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(normal);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[]? Gunzip(byte[] bytes)
    {
        if (bytes is not [0x1f, 0x8b, ..])
        {
            return null;
        }

        try
        {
            using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    [GeneratedRegex("[A-Za-z0-9+/_-]{32,}={0,2}")]
    private static partial Regex Base64Run();
}
