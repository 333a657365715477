using Amazon.Runtime;
using Hybrid.Aws.TestServer;

namespace Hybrid.Aws.Tests;

/// <summary>One strict AWS test server for the whole collection, on 127.0.0.1.</summary>
public sealed class AwsServerFixture : IAsyncLifetime
{
    public AwsTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AwsTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AwsServerCollection : ICollectionFixture<AwsServerFixture>
{
    public const string Name = "AWS test server";
}

/// <summary>
/// The base of tests against the server: a clean log before each test, and after it the check that the server refused
/// nothing (a test that provokes a refusal asserts it and clears the log itself).
/// </summary>
[Collection(AwsServerCollection.Name)]
public abstract class AwsServerTest : IDisposable
{
    private readonly List<AwsClients> _clients = [];

    protected AwsServerTest(AwsServerFixture fixture)
    {
        Server = fixture.Server;
        Server.ClearLog();
        Server.Faults.Clear();
    }

    protected AwsTestServer Server { get; }

    /// <summary>The waits the retry policy asked for (the tests never sleep).</summary>
    protected List<TimeSpan> Delays { get; } = [];

    protected static AWSCredentials DefaultCredentials => new BasicAWSCredentials(AwsTestServer.DefaultAccessKeyId, AwsTestServer.DefaultSecretAccessKey);

    protected AwsClientOptions Options(AWSCredentials? credentials = null, AwsRetryOptions? retry = null) => new()
    {
        Region = Server.Region,
        StepFunctionsEndpoint = Server.StepFunctionsEndpoint,
        StepFunctionsSyncEndpoint = Server.StepFunctionsSyncEndpoint,
        IamEndpoint = Server.IamEndpoint,
        StsEndpoint = Server.StsEndpoint,
        Credentials = credentials ?? DefaultCredentials,
        Retry = retry ?? new AwsRetryOptions { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
    };

    /// <summary>Clients whose retry waits are recorded in <see cref="Delays"/> and whose jitter is always the maximum.</summary>
    protected AwsClients Clients(AwsClientOptions? options = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        var clients = new AwsClients(
            options ?? Options(),
            loggerFactory: null,
            timeProvider: null,
            primaryHandler: null,
            delay ?? ((d, ct) =>
            {
                lock (Delays)
                {
                    Delays.Add(d);
                }

                return Task.CompletedTask;
            }),
            random: () => 1.0);
        _clients.Add(clients);
        return clients;
    }

    protected int CountRequests(string service, string operation) => Server.Requests.Count(r => r.Service == service && r.Operation == operation);

    /// <summary>
    /// The count once it reaches <paramref name="expected"/> (or after 10 s): an attempt the client abandoned on a loaded
    /// machine can reach the server a moment after the client has given up on it.
    /// </summary>
    protected async Task<int> CountRequestsAsync(string service, string operation, int expected)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (CountRequests(service, operation) < expected && !cts.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        return CountRequests(service, operation);
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    public void Dispose()
    {
        foreach (var clients in _clients)
        {
            clients.Dispose();
        }

        GC.SuppressFinalize(this);
        Server.AssertNoRejections();
    }
}
