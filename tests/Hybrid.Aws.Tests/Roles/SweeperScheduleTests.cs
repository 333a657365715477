using Hybrid.Aws.Iam;
using Hybrid.Host.Local;
using Hybrid.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Aws.Tests.Roles;

/// <summary>The role sweeper as <c>hybrid serve</c> runs it: a job of the host's timer, on the configured cron.</summary>
public sealed class SweeperScheduleTests(AwsServerFixture fixture) : AwsServerTest(fixture), IDisposable
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""";
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-sweep-").FullName;

    void IDisposable.Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        Dispose();
    }

    [Fact]
    public async Task Serve_SweeperCron_DeletesExpiredRolesOnTheHostsTimer()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        var path = $"/{Unique("timer")}/";
        // The fake clock starts at the real time (the server checks signatures against it) and moves a minute at a time.
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var iam = Clients().Iam;
        var expired = await iam.CreateRoleAsync(new CreateRoleRequest(Unique("old"), Trust, path, Tags: [new AwsTag("hybrid:expires", time.GetUtcNow().AddHours(-1).ToString("O"))]));
        var live = await iam.CreateRoleAsync(new CreateRoleRequest(Unique("new"), Trust, path, Tags: [new AwsTag("hybrid:expires", time.GetUtcNow().AddHours(1).ToString("O"))]));
        var options = new LocalHostOptions
        {
            Workflows = _folder,
            Urls = $"http://127.0.0.1:{FreePorts.Next()}",
            Identity = LocalHost.DevelopmentIdentity(_folder),
            Aws = new AwsHostOptions { Clients = Options(), SweeperCron = "* * * * *", Sweeper = new Hybrid.Aws.Roles.RoleSweeperOptions { PathPrefix = path } },
        };
        await using var app = LocalHost.Build(options, builder => builder.Services.AddSingleton<TimeProvider>(time));
        await app.StartAsync();

        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (Server.Iam.Role(expired.RoleName) is not null)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(50, cts.Token);
            }
        }

        await app.StopAsync();
        Assert.NotNull(Server.Iam.Role(live.RoleName));
    }
}
