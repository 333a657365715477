using Hybrid.Aws;
using Hybrid.Host.Local;

namespace Hybrid.Host.Tests.Local;

public sealed class LocalHostTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-local-host-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Build_BadSweeperCron_IsRefusedNamingTheSweeperBeforeAnythingStarts()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        var options = new LocalHostOptions
        {
            Workflows = _folder,
            Identity = LocalHost.DevelopmentIdentity(_folder),
            Aws = new AwsHostOptions { SweeperCron = "every hour" },
        };

        var error = Assert.Throws<FormatException>(() => LocalHost.Build(options));

        Assert.StartsWith("Schedule 'aws-role-sweeper': 'every hour' is not a cron expression", error.Message, StringComparison.Ordinal);
    }
}
