using Hybrid.Aws.Iam;
using Hybrid.Aws.Roles;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Aws.Tests.Roles;

public sealed class RoleSweeperTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 22, 0, 0, TimeSpan.Zero);

    private async Task<string> RoleAsync(string path, string? expires, int policies = 1)
    {
        var iam = Clients().Iam;
        var tags = new List<AwsTag> { new("hybrid:subject", "alice"), new("hybrid:execution", "wf:run-1") };
        if (expires is not null)
        {
            tags.Add(new AwsTag("hybrid:expires", expires));
        }

        var role = await iam.CreateRoleAsync(new CreateRoleRequest(Unique("tmp"), Trust, path, MaxSessionDuration: 3600, Tags: tags));
        for (var i = 0; i < policies; i++)
        {
            await iam.PutRolePolicyAsync(role.RoleName, $"access-{i}", Policy);
        }

        return role.RoleName;
    }

    private RoleSweeper Sweeper(string path, int pageSize = 100) =>
        new(Clients().Iam, new RoleSweeperOptions { PathPrefix = path, PageSize = pageSize }, new FakeTimeProvider(Now));

    [Fact]
    public async Task Sweep_ExpiredAndLiveRoles_DeletesOnlyTheExpiredWithTheirPolicies()
    {
        var path = $"/{Unique("sweep")}/";
        var expired = await RoleAsync(path, "2026-11-28T21:59:59Z", policies: 2);
        var live = await RoleAsync(path, "2026-11-28T22:30:00Z");
        var untagged = await RoleAsync(path, expires: null);
        var unreadable = await RoleAsync(path, "next tuesday");
        var elsewhere = await RoleAsync($"/{Unique("other")}/", "2026-01-01T00:00:00Z");

        var result = await Sweeper(path).SweepAsync();

        Assert.Equal([expired], result.Deleted);
        Assert.Equal(4, result.Examined);
        Assert.Empty(result.Failed);
        Assert.Null(Server.Iam.Role(expired));
        Assert.NotNull(Server.Iam.Role(live));
        Assert.NotNull(Server.Iam.Role(untagged));
        Assert.NotNull(Server.Iam.Role(unreadable));
        Assert.NotNull(Server.Iam.Role(elsewhere));
    }

    [Fact]
    public async Task Sweep_RunTwice_SecondSweepFindsNothingToDo()
    {
        var path = $"/{Unique("again")}/";
        await RoleAsync(path, "2026-11-28T21:00:00Z");

        var first = await Sweeper(path).SweepAsync();
        var second = await Sweeper(path).SweepAsync();

        Assert.Single(first.Deleted);
        Assert.Empty(second.Deleted);
        Assert.Equal(0, second.Examined);
    }

    [Fact]
    public async Task Sweep_ConcurrentSweepersAcrossPages_DeleteEachExpiredRoleOnceAndFailNothing()
    {
        var path = $"/{Unique("race")}/";
        var expired = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            expired.Add(await RoleAsync(path, "2026-11-28T20:00:00Z", policies: 2));
        }

        var live = await RoleAsync(path, "2026-11-29T00:00:00Z");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Sweeper(path, pageSize: 3).SweepAsync()));

        var deleted = results.SelectMany(r => r.Deleted).ToList();
        Assert.Equal(deleted.Count, deleted.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expired.Order(StringComparer.Ordinal), results.SelectMany(r => r.Deleted.Concat(r.AlreadyGone)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Empty(r.Failed));
        Assert.Equal([live], Server.Iam.Roles.Where(r => r.Path == path).Select(r => r.Name));
    }

    [Fact]
    public async Task Sweep_DeleteRoleFailsWithConcurrentModification_LeavesTheRoleForTheNextSweep()
    {
        var path = $"/{Unique("busy")}/";
        var role = await RoleAsync(path, "2026-11-28T20:00:00Z");
        Server.Faults.EnqueueError("iam", "DeleteRole", "ConcurrentModification", 409);

        var first = await Sweeper(path).SweepAsync();
        var second = await Sweeper(path).SweepAsync();

        Assert.Equal([role], first.Failed);
        Assert.Equal([role], second.Deleted);
    }

    [Fact]
    public void Options_PathWithoutSlashes_IsRefused()
        => Assert.Throws<ArgumentException>(() => new RoleSweeper(Clients().Iam, new RoleSweeperOptions { PathPrefix = "hybrid" }));
}
