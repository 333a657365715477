using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.History;

/// <summary>
/// <see cref="IStartedTaskStore"/> in Azure Table storage (Azurite locally), beside the Azure Storage backend: one
/// partition per execution, a row per recorded task (<c>task|{invocation key}</c>) and per stopped instance
/// (<c>stop|{instance id}</c>). A table's reads are strongly consistent, which the stop's ordering relies on.
/// </summary>
/// <remarks>The hosts name it after the history table: <see cref="NameBeside"/>.</remarks>
public sealed class TableStartedTaskStore(string connectionString, string tableName) : IStartedTaskStore
{
    private const string TaskRow = "task|";
    private const string StopRow = "stop|";
    private readonly OwnTable _table = new(connectionString, tableName);

    /// <summary>The table beside the history table <paramref name="historyTable"/>: its name plus <c>Tasks</c>.</summary>
    public static string NameBeside(string historyTable) => historyTable + "Tasks";

    public async Task RecordAsync(string executionId, StartedTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var table = await _table.GetAsync(cancellationToken);
        var entity = new TableEntity(executionId, RowKey(TaskRow, task.InvocationKey)) { ["Instance"] = task.InstanceId };
        OwnTable.WriteText(entity, "PollChunks", "P", JsonSerializer.Serialize(task.Poll));
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task ForgetAsync(string executionId, string invocationKey, CancellationToken cancellationToken = default)
    {
        var table = await _table.GetAsync(cancellationToken);
        try
        {
            await table.DeleteEntityAsync(executionId, RowKey(TaskRow, invocationKey), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Never recorded, or forgotten already.
        }
    }

    public async Task MarkStoppedAsync(string executionId, IReadOnlyList<StopMark> marks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marks);
        var table = await _table.GetAsync(cancellationToken);
        foreach (var batch in marks.Chunk(100))
        {
            var actions = batch.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(executionId, RowKey(StopRow, m.InstanceId))
            {
                ["Instance"] = m.InstanceId,
                ["Error"] = m.Error,
                ["Cause"] = m.Cause,
            }));
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<StartedTask>> TasksAsync(string executionId, CancellationToken cancellationToken = default)
    {
        var tasks = new List<StartedTask>();
        await foreach (var entity in RowsAsync(executionId, TaskRow, cancellationToken))
        {
            var poll = JsonSerializer.Deserialize<DispatchRequest>(OwnTable.ReadText(entity, "PollChunks", "P") ?? "null")
                ?? throw new InvalidOperationException($"The started task '{entity.RowKey}' of '{executionId}' has no request.");
            tasks.Add(new StartedTask(entity.GetString("Instance"), poll));
        }

        return tasks;
    }

    public async Task<IReadOnlyList<StopMark>> StoppedAsync(string executionId, CancellationToken cancellationToken = default)
    {
        var stopped = new List<StopMark>();
        await foreach (var entity in RowsAsync(executionId, StopRow, cancellationToken))
        {
            stopped.Add(new StopMark(entity.GetString("Instance"), entity.GetString("Error"), entity.GetString("Cause")));
        }

        return stopped;
    }

    /// <summary>The partition's rows of one kind: a range of row keys ('}' follows '|').</summary>
    private async IAsyncEnumerable<TableEntity> RowsAsync(string executionId, string kind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        var end = kind[..^1] + "}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {executionId} and RowKey ge {kind} and RowKey lt {end}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return entity;
        }
    }

    /// <summary>A row key: '/' (in invocation keys) is not allowed in one, and '|' is in no execution name.</summary>
    private static string RowKey(string kind, string id) => kind + id.Replace('/', '|');
}
