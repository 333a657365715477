using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.History;

/// <summary>
/// Step Functions histories in Azure Table storage (Azurite locally), beside the Azure Storage backend, so they survive
/// restarts. One partition per execution; the row key is the event's (instance, sequence), which makes a repeated
/// append (an activity run again after a crash) overwrite rather than duplicate. Events read back in append order.
/// </summary>
/// <remarks>
/// Never name the table <c>{TaskHub}History</c>, <c>{TaskHub}Instances</c> or <c>{TaskHub}Partitions</c>: those are the
/// Azure Storage backend's own tables, partitioned by instance id like this one, and it would replay these rows.
/// The local host uses <c>{TaskHub}Events</c>.
/// </remarks>
public sealed class TableExecutionHistoryStore : IExecutionHistoryStore
{
    private const int ChunkChars = 30_000;
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _exists;

    public TableExecutionHistoryStore(string connectionString, string tableName, TimeProvider? time = null)
    {
        foreach (var reserved in new[] { "History", "Instances", "Partitions" })
        {
            if (tableName.EndsWith(reserved, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{tableName}' could be one of the Azure Storage backend's own tables ('{{TaskHub}}{reserved}'); choose another name, such as '{{TaskHub}}Events'.", nameof(tableName));
            }
        }

        _table = new TableClient(connectionString, tableName);
        _time = time ?? TimeProvider.System;
    }

    public async Task AppendAsync(string executionId, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var appended = _time.GetUtcNow().UtcTicks;
        foreach (var batch in events.Chunk(100))
        {
            var actions = batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(executionId, e, appended))).ToList();
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string executionId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var rows = new List<(long Appended, StoredEvent Event)>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == executionId, cancellationToken: cancellationToken))
        {
            rows.Add((entity.GetInt64("Appended") ?? 0, FromEntity(entity)));
        }

        return [.. rows
            .OrderBy(r => r.Appended)
            .ThenBy(r => r.Event.Instance, StringComparer.Ordinal)
            .ThenBy(r => r.Event.Sequence)
            .Select(r => r.Event)];
    }

    private static TableEntity ToEntity(string executionId, StoredEvent e, long appended)
    {
        var entity = new TableEntity(executionId, $"{e.Instance}|{e.Sequence.ToString("D12", CultureInfo.InvariantCulture)}")
        {
            ["Appended"] = appended,
            ["Instance"] = e.Instance,
            ["Sequence"] = e.Sequence,
            ["Timestamp_"] = e.Timestamp,
            ["Type"] = e.Type,
        };
        var details = e.Details ?? "";
        var chunks = (details.Length + ChunkChars - 1) / ChunkChars;
        entity["DetailsChunks"] = e.Details is null ? -1 : chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity["D" + i.ToString(CultureInfo.InvariantCulture)] = details.Substring(i * ChunkChars, Math.Min(ChunkChars, details.Length - (i * ChunkChars)));
        }

        return entity;
    }

    private static StoredEvent FromEntity(TableEntity entity)
    {
        var chunks = entity.GetInt32("DetailsChunks") ?? -1;
        string? details = null;
        if (chunks >= 0)
        {
            details = string.Concat(Enumerable.Range(0, chunks).Select(i => entity.GetString("D" + i.ToString(CultureInfo.InvariantCulture))));
        }

        return new StoredEvent(
            entity.GetString("Instance"),
            entity.GetInt64("Sequence") ?? 0,
            entity.GetDateTimeOffset("Timestamp_") ?? default,
            entity.GetString("Type"),
            details);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_exists)
        {
            return;
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
    }
}
