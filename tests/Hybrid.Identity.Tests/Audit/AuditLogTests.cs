using Azure.Data.Tables;
using Hybrid.Identity.Audit;
using Hybrid.Identity.Tokens;

namespace Hybrid.Identity.Tests.Audit;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "identity-azurite";
}

[Collection(AzuriteCollection.Name)]
public sealed class TableAuditLogTests
{
    private readonly AzuriteFixture _azurite;

    public TableAuditLogTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    [Fact]
    public async Task QueryByExecutionAsync_AfterAppends_ReturnsThatExecutionsEntriesOldestFirst()
    {
        var log = NewLog();
        var start = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        await log.AppendAsync(Entry("exec/1#a", start.AddSeconds(2), "RunTask"));
        await log.AppendAsync(Entry("exec/1#a", start, "Start"));
        await log.AppendAsync(Entry("exec-2", start.AddSeconds(1), "Read"));
        await log.AppendAsync(Entry(null, start, "Start"));

        var entries = await log.QueryByExecutionAsync("exec/1#a");

        Assert.Equal(["Start", "RunTask"], entries.Select(e => e.Action));
        var first = entries[0];
        Assert.Equal("alice", first.Subject);
        Assert.Equal("hybrid-cli", first.ClientId);
        Assert.Equal("https://sso.example.com", first.Issuer);
        Assert.Equal(["admins", "operators"], first.Groups);
        Assert.Equal("payroll", first.Workflow);
        Assert.Equal("exec/1#a", first.ExecutionId);
        Assert.Equal("Pay", first.State);
        Assert.Equal("arn:aws:states:::lambda:invoke", first.Resource);
        Assert.Equal(AuditDecision.Allow, first.Decision);
        Assert.Equal("rule 'admins' allows", first.Reason);
        Assert.Equal("admins", first.PolicyRule);
        Assert.Equal(TokenKind.Jwt, first.TokenKind);
        Assert.Equal("corr-1", first.CorrelationId);
        Assert.Equal(start, first.Time);
    }

    [Fact]
    public async Task AppendAsync_SameEntryTwice_FailsInsteadOfOverwriting()
    {
        var log = NewLog();
        var entry = Entry("exec-dup", DateTimeOffset.UnixEpoch.AddYears(56), "Start");
        await log.AppendAsync(entry);

        await Assert.ThrowsAsync<Azure.RequestFailedException>(async () => await log.AppendAsync(entry with { Reason = "rewritten" }));
        var entries = await log.QueryByExecutionAsync("exec-dup");
        Assert.Equal("rule 'admins' allows", Assert.Single(entries).Reason);
    }

    [Fact]
    public async Task QueryByExecutionAsync_UnknownExecution_ReturnsEmpty()
    {
        Assert.Empty(await NewLog().QueryByExecutionAsync("nothing-here"));
    }

    internal static AuditEntry Entry(string? execution, DateTimeOffset time, string action) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Time = time,
        Subject = "alice",
        ClientId = "hybrid-cli",
        Issuer = "https://sso.example.com",
        Groups = ["admins", "operators"],
        Action = action,
        Workflow = "payroll",
        ExecutionId = execution,
        State = "Pay",
        Resource = "arn:aws:states:::lambda:invoke",
        Decision = AuditDecision.Allow,
        Reason = "rule 'admins' allows",
        PolicyRule = "admins",
        TokenKind = TokenKind.Jwt,
        CorrelationId = "corr-1",
    };

    private TableAuditLog NewLog()
    {
        var table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("audit" + Guid.NewGuid().ToString("N")[..12]);
        return new TableAuditLog(table);
    }
}

public sealed class InMemoryAuditLogTests
{
    [Fact]
    public async Task QueryByExecutionAsync_AfterAppends_ReturnsThatExecutionsEntriesOldestFirst()
    {
        var log = new InMemoryAuditLog();
        var start = DateTimeOffset.UnixEpoch.AddYears(56);
        await log.AppendAsync(TableAuditLogTests.Entry("e1", start.AddSeconds(1), "RunTask"));
        await log.AppendAsync(TableAuditLogTests.Entry("e1", start, "Start"));
        await log.AppendAsync(TableAuditLogTests.Entry("e2", start, "Read"));

        var entries = await log.QueryByExecutionAsync("e1");

        Assert.Equal(["Start", "RunTask"], entries.Select(e => e.Action));
        Assert.Equal(3, log.Entries.Count);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a/b\\c#d?e%f", "a%2Fb%5Cc%23d%3Fe%25f")]
    [InlineData("tab\there", "tab%09here")]
    public void EscapeKey_ForbiddenCharacters_ArePercentEncoded(string value, string expected)
    {
        Assert.Equal(expected, TableAuditLog.EscapeKey(value));
    }
}
