using Amazon.SecurityToken;
using Hybrid.Aws.Http;
using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.Sts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Aws;

/// <summary>
/// The AWS clients of one configuration, sharing one connection pool. Create one per process (a singleton) and
/// dispose it at shutdown; the interfaces it hands out are safe for concurrent use.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private readonly HttpMessageHandler _primary;
    private readonly bool _ownsPrimary;
    private readonly List<HttpClient> _httpClients = [];
    private readonly StsClient _sts;

    /// <param name="options">Endpoints, region, credentials and retries.</param>
    /// <param name="loggerFactory">Where retries and failures are logged.</param>
    /// <param name="timeProvider">The clock for signatures and retry delays.</param>
    public AwsClients(AwsClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, loggerFactory, timeProvider, primaryHandler: null, delay: null, random: null)
    {
    }

    /// <summary>Tests inject the transport, the wait between attempts and the jitter source.</summary>
    internal AwsClients(
        AwsClientOptions options,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        HttpMessageHandler? primaryHandler,
        Func<TimeSpan, CancellationToken, Task>? delay,
        Func<double>? random)
    {
        Check.NotNull(options);
        var time = timeProvider ?? TimeProvider.System;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Hybrid.Aws");
        var retry = new AwsRetryPolicy(
            options.Retry,
            delay ?? ((d, ct) => Task.Delay(d, time, ct)),
            random ?? Random.Shared.NextDouble,
            logger);
        var credentials = new AwsCredentialSource(options.Credentials);
        _ownsPrimary = primaryHandler is null;
        _primary = primaryHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

        AwsHttpPipeline Pipeline(string service, string region)
        {
            var http = new HttpClient(new SigV4SigningHandler(credentials, service, region, time, _primary), disposeHandler: false)
            {
                Timeout = Timeout.InfiniteTimeSpan, // Each attempt has its own timeout; the caller's token bounds the whole call.
            };
            _httpClients.Add(http);
            return new AwsHttpPipeline(service, http, retry, options.AttemptTimeout, logger);
        }

        StepFunctions = new StepFunctionsClient(
            Pipeline(StepFunctionsClient.SigningName, options.Region),
            options.ResolveStepFunctionsEndpoint(),
            options.ResolveStepFunctionsSyncEndpoint());
        Iam = new IamClient(Pipeline(IamClient.SigningName, options.IamSigningRegion), options.ResolveIamEndpoint());
        var stsConfig = StsClient.CreateConfig(options);
        _sts = new StsClient(
            options.Credentials is null ? new AmazonSecurityTokenServiceClient(stsConfig) : new AmazonSecurityTokenServiceClient(options.Credentials, stsConfig),
            retry);
    }

    public IStepFunctionsClient StepFunctions { get; }

    public IIamClient Iam { get; }

    public IStsClient Sts => _sts;

    public void Dispose()
    {
        foreach (var http in _httpClients)
        {
            http.Dispose();
        }

        _sts.Dispose();
        if (_ownsPrimary)
        {
            _primary.Dispose();
        }
    }
}
