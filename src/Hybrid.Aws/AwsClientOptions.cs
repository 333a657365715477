using System.Runtime.CompilerServices;
using Amazon.Runtime;

namespace Hybrid.Aws;

/// <summary>
/// Where and how the AWS clients talk to AWS. Every endpoint can be overridden, so tests and local runs can point at
/// loopback; left unset, each resolves to the public AWS endpoint of <see cref="Region"/>.
/// </summary>
public sealed record AwsClientOptions
{
    /// <summary>
    /// The longest <see cref="AttemptTimeout"/>, <see cref="AwsRetryOptions.BaseDelay"/> and
    /// <see cref="AwsRetryOptions.MaxDelay"/> that can be set. The longest request the clients make (StartSyncExecution,
    /// which waits for an Express execution) takes at most 5 minutes; a longer value is a slip, such as <c>30</c>, which
    /// a time span reads as 30 days.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    /// <summary>The region of Step Functions and STS, and the signing region of both.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The Step Functions endpoint; default <c>https://states.{Region}.amazonaws.com/</c>.</summary>
    public Uri? StepFunctionsEndpoint { get; init; }

    /// <summary>
    /// The endpoint of StartSyncExecution, which AWS serves on the <c>sync-</c> host prefix. Default: the Step Functions
    /// endpoint with <c>sync-</c> in front of its host. A loopback endpoint needs its own value (an IP takes no prefix).
    /// </summary>
    public Uri? StepFunctionsSyncEndpoint { get; init; }

    /// <summary>The IAM endpoint; default <c>https://iam.amazonaws.com/</c>. IAM is global.</summary>
    public Uri? IamEndpoint { get; init; }

    /// <summary>The region IAM requests are signed for; IAM's global endpoint lives in us-east-1.</summary>
    public string IamSigningRegion { get; init; } = "us-east-1";

    /// <summary>The STS endpoint; default the regional <c>https://sts.{Region}.amazonaws.com/</c>.</summary>
    public Uri? StsEndpoint { get; init; }

    /// <summary>Credentials to sign with. Null means AWSSDK.Core's default chain (environment, profile, container, instance).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>How throttled and failed requests are retried.</summary>
    public AwsRetryOptions Retry { get; init; } = new();

    /// <summary>The time one attempt may take before it is abandoned (and retried if attempts remain); at most <see cref="LongestWait"/>.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <exception cref="ArgumentException">A value cannot work.</exception>
    public void Validate()
    {
        Check.NotBlank(Region);
        Check.NotBlank(IamSigningRegion);
        CheckWait(AttemptTimeout);
        Check.NotNull(Retry).Validate();
    }

    /// <summary>Refuses a wait that is not positive or is longer than <see cref="LongestWait"/>.</summary>
    internal static void CheckWait(TimeSpan value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        Check.Positive(value, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, LongestWait, name);
    }

    internal Uri ResolveStepFunctionsEndpoint() => StepFunctionsEndpoint ?? new Uri($"https://states.{Region}.amazonaws.com/");

    internal Uri ResolveStepFunctionsSyncEndpoint()
    {
        if (StepFunctionsSyncEndpoint is not null)
        {
            return StepFunctionsSyncEndpoint;
        }

        var builder = new UriBuilder(ResolveStepFunctionsEndpoint());
        builder.Host = "sync-" + builder.Host;
        return builder.Uri;
    }

    internal Uri ResolveIamEndpoint() => IamEndpoint ?? new Uri("https://iam.amazonaws.com/");

    internal Uri ResolveStsEndpoint() => StsEndpoint ?? new Uri($"https://sts.{Region}.amazonaws.com/");
}

/// <summary>
/// Retries with exponential backoff and full jitter: before attempt n+1 the client waits a uniformly random time in
/// [0, min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> * 2^(n-1))]. Throttling, HTTP 429, HTTP 5xx and transport
/// failures are retried; every other error is final at once.
/// </summary>
public sealed record AwsRetryOptions
{
    /// <summary>The most attempts that can be set.</summary>
    public const int MostAttempts = 100;

    /// <summary>Attempts in all, the first included (1 means no retry), at most <see cref="MostAttempts"/>.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <exception cref="ArgumentException">A value cannot work.</exception>
    public void Validate()
    {
        Check.InRange(MaxAttempts, 1, MostAttempts);
        AwsClientOptions.CheckWait(BaseDelay);
        AwsClientOptions.CheckWait(MaxDelay);
        if (MaxDelay < BaseDelay)
        {
            throw new ArgumentException($"Retry:MaxDelay ({MaxDelay}) is shorter than Retry:BaseDelay ({BaseDelay}).", nameof(MaxDelay));
        }
    }
}
