using Amazon.Runtime;
using Hybrid.Aws.Bridge;
using Hybrid.Aws.TestServer;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;

namespace Hybrid.Aws.Tests.Bridge;

/// <summary>
/// The entry point of this assembly when the bridge's crash test runs it as a child process:
/// <c>dotnet Hybrid.Aws.Tests.dll bridge-crash-host &lt;connection&gt; &lt;task hub&gt; &lt;worker id&gt; &lt;workflows&gt; &lt;url&gt; &lt;states endpoint&gt;</c>.
/// It is the real local host on Azure Storage with the bridge pointed at the test server of the parent process; it
/// prints <see cref="ReadyLine"/> and runs until killed or its input closes.
/// </summary>
public static class BridgeCrashHost
{
    public const string Mode = "bridge-crash-host";
    public const string ReadyLine = "BRIDGE HOST READY";

    public static async Task<int> Main(string[] args)
    {
        if (args is not [Mode, var connectionString, var taskHub, var workerId, var workflows, var url, var states])
        {
            await Console.Error.WriteLineAsync($"usage: {Mode} <connection string> <task hub> <worker id> <workflows folder> <url> <states endpoint>");
            return 2;
        }

        var options = new LocalHostOptions
        {
            Workflows = workflows,
            Urls = url,
            Identity = LocalHost.DevelopmentIdentity(workflows),
            Backend = new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage, ConnectionString = connectionString, TaskHub = taskHub, WorkerId = workerId },
            Aws = new AwsHostOptions
            {
                Clients = new AwsClientOptions
                {
                    StepFunctionsEndpoint = new Uri(states),
                    Credentials = new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, AwsTestServer.DefaultSecretAccessKey),
                },
                // Polls at 2 s, then 4 s later, then every 8 s: the test kills the host inside the 8-second timer.
                Bridge = new AwsBridgeOptions { FirstPollInterval = TimeSpan.FromSeconds(2), MaxPollInterval = TimeSpan.FromSeconds(8) },
            },
        };
        await using var app = LocalHost.Build(options);
        await app.StartAsync();
        Console.WriteLine(ReadyLine);
        var stdinClosed = Task.Run(async () => await Console.In.ReadToEndAsync());
        await Task.WhenAny(stdinClosed, Task.Delay(TimeSpan.FromMinutes(5)));
        await app.StopAsync();
        return 0;
    }
}
