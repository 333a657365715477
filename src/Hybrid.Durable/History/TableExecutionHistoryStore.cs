using System.Globalization;
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
    private readonly OwnTable _table;
    private readonly TimeProvider _time;

    public TableExecutionHistoryStore(string connectionString, string tableName, TimeProvider? time = null)
    {
        _table = new OwnTable(connectionString, tableName);
        _time = time ?? TimeProvider.System;
    }

    public async Task AppendAsync(string executionId, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
    {
        var table = await _table.GetAsync(cancellationToken);
        var appended = _time.GetUtcNow().UtcTicks;
        foreach (var batch in events.Chunk(100))
        {
            var actions = batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(executionId, e, appended))).ToList();
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string executionId, CancellationToken cancellationToken = default)
    {
        var table = await _table.GetAsync(cancellationToken);
        var rows = new List<(long Appended, StoredEvent Event)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == executionId, cancellationToken: cancellationToken))
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
        OwnTable.WriteText(entity, "DetailsChunks", "D", e.Details);
        return entity;
    }

    private static StoredEvent FromEntity(TableEntity entity) => new(
        entity.GetString("Instance"),
        entity.GetInt64("Sequence") ?? 0,
        entity.GetDateTimeOffset("Timestamp_") ?? default,
        entity.GetString("Type"),
        OwnTable.ReadText(entity, "DetailsChunks", "D"));
}
