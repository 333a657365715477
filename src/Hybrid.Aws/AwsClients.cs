using Amazon.Runtime;
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
    private readonly HttpClient _stepFunctionsHttp;
    private readonly HttpClient _iamHttp;
    private readonly StsClient _sts;
    private readonly AwsClientOptions _options;
    private readonly TimeProvider _time;
    private readonly AwsRetryPolicy _retry;
    private readonly ILogger _logger;

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
            options.AttemptTimeout,
            delay ?? ((d, ct) => Task.Delay(d, time, ct)),
            random ?? Random.Shared.NextDouble,
            logger);
        var credentials = new AwsCredentialSource(options.Credentials);
        _ownsPrimary = primaryHandler is null;
        _primary = primaryHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _options = options;
        _time = time;
        _retry = retry;
        _logger = logger;

        _stepFunctionsHttp = SignedHttp(credentials, StepFunctionsClient.SigningName, options.Region);
        StepFunctions = CreateStepFunctions(_stepFunctionsHttp);
        _iamHttp = SignedHttp(credentials, IamClient.SigningName, options.IamSigningRegion);
        Iam = new IamClient(new AwsHttpPipeline(IamClient.SigningName, _iamHttp, retry, logger), options.ResolveIamEndpoint());
        var stsConfig = StsClient.CreateConfig(options);
        _sts = new StsClient(
            options.Credentials is null ? new AmazonSecurityTokenServiceClient(stsConfig) : new AmazonSecurityTokenServiceClient(options.Credentials, stsConfig),
            retry);
    }

    public IStepFunctionsClient StepFunctions { get; }

    /// <summary>
    /// A Step Functions client that signs with <paramref name="credentials"/> (for example an STS session for one caller)
    /// and shares this instance's connection pool, retries and endpoints. It holds no resources of its own: drop it
    /// when the credentials expire.
    /// </summary>
    public IStepFunctionsClient StepFunctionsWith(AWSCredentials credentials)
        => CreateStepFunctions(SignedHttp(new AwsCredentialSource(Check.NotNull(credentials)), StepFunctionsClient.SigningName, _options.Region));

    private StepFunctionsClient CreateStepFunctions(HttpClient http) => new(
        new AwsHttpPipeline(StepFunctionsClient.SigningName, http, _retry, _logger),
        _options.ResolveStepFunctionsEndpoint(),
        _options.ResolveStepFunctionsSyncEndpoint());

    // The signing handler is not disposed with the client (it would dispose the shared primary handler).
    private HttpClient SignedHttp(AwsCredentialSource credentials, string service, string region)
        => new(new SigV4SigningHandler(credentials, service, region, _time, _primary), disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan, // Each attempt has its own timeout; the caller's token bounds the whole call.
        };

    public IIamClient Iam { get; }

    public IStsClient Sts => _sts;

    public void Dispose()
    {
        _stepFunctionsHttp.Dispose();
        _iamHttp.Dispose();
        _sts.Dispose();
        if (_ownsPrimary)
        {
            _primary.Dispose();
        }
    }
}
