using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Hybrid.Identity.Tokens;

namespace Hybrid.Identity.Audit;

/// <summary>
/// The audit log in Azure Table storage. One partition per execution (entries without an execution go to a partition
/// per day, <c>~yyyy-MM-dd</c>); row keys start with the time's ticks so a partition reads oldest first. Entries are
/// only ever inserted: an insert never overwrites, so a duplicate id fails instead of replacing history.
/// </summary>
public sealed class TableAuditLog : IAuditLog
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "HybridAudit";

    private readonly TableClient _table;
    private volatile bool _created;

    public TableAuditLog(TableClient table)
    {
        _table = Check.NotNull(table);
    }

    public async ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        Check.NotNull(entry);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(PartitionKeyFor(entry), RowKeyFor(entry))
        {
            ["Id"] = entry.Id,
            ["Time"] = entry.Time,
            ["Subject"] = entry.Subject,
            ["ClientId"] = entry.ClientId,
            ["Issuer"] = entry.Issuer,
            ["Groups"] = JsonSerializer.Serialize(entry.Groups),
            ["Action"] = entry.Action,
            ["Workflow"] = entry.Workflow,
            ["ExecutionId"] = entry.ExecutionId,
            ["State"] = entry.State,
            ["Resource"] = entry.Resource,
            ["Decision"] = entry.Decision.ToString(),
            ["Reason"] = entry.Reason,
            ["PolicyRule"] = entry.PolicyRule,
            ["Error"] = entry.Error,
            ["TokenKind"] = entry.TokenKind?.ToString(),
            ["CorrelationId"] = entry.CorrelationId,
        };
        await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<AuditEntry>> QueryByExecutionAsync(string executionId, CancellationToken cancellationToken = default)
    {
        Check.NotNull(executionId);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var partition = EscapeKey(executionId);
        var entries = new List<AuditEntry>();
        var query = _table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
            cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            entries.Add(FromEntity(entity));
        }

        return entries;
    }

    internal static string PartitionKeyFor(AuditEntry entry)
        => entry.ExecutionId is { Length: > 0 } execution
            ? EscapeKey(execution)
            : "~" + entry.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string RowKeyFor(AuditEntry entry)
        => entry.Time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + EscapeKey(entry.Id);

    /// <summary>Table keys may not hold <c>/ \ # ?</c> or control characters; those (and <c>%</c>) are percent-encoded.</summary>
    internal static string EscapeKey(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static AuditEntry FromEntity(TableEntity entity) => new()
    {
        Id = entity.GetString("Id") ?? string.Empty,
        Time = entity.GetDateTimeOffset("Time") ?? entity.Timestamp ?? DateTimeOffset.MinValue,
        Subject = entity.GetString("Subject"),
        ClientId = entity.GetString("ClientId"),
        Issuer = entity.GetString("Issuer"),
        Groups = JsonSerializer.Deserialize<string[]>(entity.GetString("Groups") ?? "[]") ?? [],
        Action = entity.GetString("Action") ?? string.Empty,
        Workflow = entity.GetString("Workflow"),
        ExecutionId = entity.GetString("ExecutionId"),
        State = entity.GetString("State"),
        Resource = entity.GetString("Resource"),
        Decision = Enum.TryParse<AuditDecision>(entity.GetString("Decision"), out var decision) ? decision : AuditDecision.Deny,
        Reason = entity.GetString("Reason") ?? string.Empty,
        PolicyRule = entity.GetString("PolicyRule"),
        Error = entity.GetString("Error"),
        TokenKind = Enum.TryParse<TokenKind>(entity.GetString("TokenKind"), out var kind) ? kind : null,
        CorrelationId = entity.GetString("CorrelationId"),
    };

    private async ValueTask EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        try
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Created concurrently by another writer.
        }

        _created = true;
    }
}
