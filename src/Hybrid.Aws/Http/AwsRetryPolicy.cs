using Microsoft.Extensions.Logging;

namespace Hybrid.Aws.Http;

/// <summary>
/// Runs one operation with bounded attempts, exponential backoff and full jitter. Each attempt has its own timeout: its
/// token is cancelled when the time is up, so nothing the attempt started (a resend inside a library, a late answer)
/// can outlive it. Waiting and the random source are injected, so tests neither sleep nor depend on chance.
/// </summary>
internal sealed class AwsRetryPolicy
{
    private readonly AwsRetryOptions _options;
    private readonly TimeSpan _attemptTimeout;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Func<double> _random;
    private readonly ILogger _logger;

    public AwsRetryPolicy(AwsRetryOptions options, TimeSpan attemptTimeout, Func<TimeSpan, CancellationToken, Task> delay, Func<double> random, ILogger logger)
    {
        _options = Check.NotNull(options);
        Check.InRange(options.MaxAttempts, 1, AwsRetryOptions.MostAttempts, "MaxAttempts");
        _attemptTimeout = attemptTimeout == Timeout.InfiniteTimeSpan ? attemptTimeout : Check.Positive(attemptTimeout, "AttemptTimeout");
        _delay = delay;
        _random = random;
        _logger = logger;
    }

    public int MaxAttempts => _options.MaxAttempts;

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1: uniform in [0, min(max, base * 2^(attempt-1))].</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var ceiling = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        ceiling = Math.Min(ceiling, _options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * _random());
    }

    public async Task<T> ExecuteAsync<T>(string service, string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var n = 1; ; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var result = await AttemptAsync(service, operation, attempt, cancellationToken).ConfigureAwait(false);
                Logs.RequestSucceeded(_logger, service, operation, n);
                return result;
            }
            catch (AwsServiceException ex) when (ex.IsRetryable && n < _options.MaxAttempts)
            {
                var delay = BackoffAfter(n);
                Logs.RetryScheduled(_logger, service, operation, n, ex.ErrorCode, (int)ex.StatusCode, delay.TotalMilliseconds);
                await _delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex)
            {
                Logs.RequestFailed(_logger, service, operation, ex.ErrorCode, (int)ex.StatusCode, ex.Details.RequestId, n);
                throw;
            }
            catch (Exception ex) when (IsTransport(ex, cancellationToken) && n < _options.MaxAttempts)
            {
                var delay = BackoffAfter(n);
                Logs.TransportRetryScheduled(_logger, ex, service, operation, n, delay.TotalMilliseconds);
                await _delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<T> AttemptAsync<T>(string service, string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_attemptTimeout);
        try
        {
            return await attempt(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not AwsException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The attempt ran out of time, not the caller's patience, whatever its cancellation surfaced as (a cancellation,
            // a closed connection): a transport failure that may be retried.
            throw new TimeoutException($"AWS {service} {operation} did not answer within {_attemptTimeout.TotalSeconds:0.###} s.", ex);
        }
    }

    /// <summary>A connection failure, or an attempt that timed out (a cancellation the caller did not ask for counts as one).</summary>
    private static bool IsTransport(Exception ex, CancellationToken cancellationToken)
        => ex is HttpRequestException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
