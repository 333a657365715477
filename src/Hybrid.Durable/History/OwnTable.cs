using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Hybrid.Durable.History;

/// <summary>
/// A table of Hybrid's own beside the Azure Storage backend, created on first use. Never one of the backend's tables
/// (<c>{TaskHub}History</c>, <c>{TaskHub}Instances</c>, <c>{TaskHub}Partitions</c>): they are partitioned by instance
/// id like Hybrid's, and the backend would replay Hybrid's rows.
/// </summary>
internal sealed class OwnTable
{
    private const int ChunkChars = 30_000;
    private readonly TableClient _table;
    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _exists;

    public OwnTable(string connectionString, string tableName)
    {
        foreach (var reserved in new[] { "History", "Instances", "Partitions" })
        {
            if (tableName.EndsWith(reserved, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{tableName}' could be one of the Azure Storage backend's own tables ('{{TaskHub}}{reserved}'); choose another name, such as '{{TaskHub}}Events'.", nameof(tableName));
            }
        }

        _table = new TableClient(connectionString, tableName);
    }

    /// <summary>The table, created if it did not exist.</summary>
    public async Task<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (_exists)
        {
            return _table;
        }

        await _created.WaitAsync(cancellationToken);
        try
        {
            if (!_exists)
            {
                try
                {
                    await _table.CreateIfNotExistsAsync(cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    // Created concurrently by another host: fine.
                }

                _exists = true;
            }
        }
        finally
        {
            _created.Release();
        }

        return _table;
    }

    /// <summary>Writes text of any length as properties <c>{prefix}0</c>, <c>{prefix}1</c>... (a property holds 32K characters), their count in <paramref name="count"/> (-1 for null).</summary>
    public static void WriteText(TableEntity entity, string count, string prefix, string? text)
    {
        var value = text ?? "";
        var chunks = (value.Length + ChunkChars - 1) / ChunkChars;
        entity[count] = text is null ? -1 : chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity[prefix + i.ToString(CultureInfo.InvariantCulture)] = value.Substring(i * ChunkChars, Math.Min(ChunkChars, value.Length - (i * ChunkChars)));
        }
    }

    /// <summary>Reads text <see cref="WriteText"/> wrote.</summary>
    public static string? ReadText(TableEntity entity, string count, string prefix)
    {
        var chunks = entity.GetInt32(count) ?? -1;
        return chunks < 0 ? null : string.Concat(Enumerable.Range(0, chunks).Select(i => entity.GetString(prefix + i.ToString(CultureInfo.InvariantCulture))));
    }
}
