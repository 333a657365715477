using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Hybrid.Aws.Http;
using Sdk = Amazon.SecurityToken.Model;

namespace Hybrid.Aws.Sts;

/// <summary>
/// Wraps AWSSDK.SecurityToken's client. The SDK's own retries are off so that STS follows the same retry policy, and
/// reports the same typed errors, as the other clients: one call to the SDK sends one request, and the retry policy's
/// attempt timeout bounds it.
/// </summary>
internal sealed class StsClient : IStsClient, IDisposable
{
    public const string SigningName = "sts";
    private readonly IAmazonSecurityTokenService _sdk;
    private readonly AwsRetryPolicy _retry;

    public StsClient(IAmazonSecurityTokenService sdk, AwsRetryPolicy retry)
    {
        _sdk = sdk;
        _retry = retry;
    }

    /// <remarks>
    /// Besides MaxErrorRetry, AWSSDK.Core resends a request on its own, up to MaxStaleConnectionRetries (10) times and with
    /// the HttpClient timeout started afresh each time, when its failure carries a reset or aborted socket or a response
    /// that "ended prematurely". Under load, an attempt that timed out can carry one (its connection torn down while it
    /// was read; the SDK logs "Detected stale pooled connection error (TimeoutException)"), so the attempt was resent
    /// unseen and its answer returned as a success. Hence no SDK resends and no SDK timeout: one call sends one request,
    /// and the attempt's token, cancelled by the retry policy when its time is up, bounds it.
    /// </remarks>
    public static AmazonSecurityTokenServiceConfig CreateConfig(AwsClientOptions options) => new()
    {
        ServiceURL = options.ResolveStsEndpoint().ToString(),
        AuthenticationRegion = options.Region,
        MaxErrorRetry = 0,
        MaxStaleConnectionRetries = 0,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public Task<AssumedRole> AssumeRoleAsync(AssumeRoleRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        var sdkRequest = new Sdk.AssumeRoleRequest
        {
            RoleArn = Check.NotEmpty(request.RoleArn),
            RoleSessionName = Check.NotEmpty(request.RoleSessionName),
            SourceIdentity = request.SourceIdentity,
            DurationSeconds = request.DurationSeconds,
            Policy = request.Policy,
            ExternalId = request.ExternalId,
        };
        if (request.Tags is { Count: > 0 } tags)
        {
            sdkRequest.Tags = tags.Select(t => new Sdk.Tag { Key = t.Key, Value = t.Value }).ToList();
        }

        if (request.TransitiveTagKeys is { Count: > 0 } keys)
        {
            sdkRequest.TransitiveTagKeys = keys.ToList();
        }

        return CallAsync("AssumeRole", async ct =>
        {
            var response = await _sdk.AssumeRoleAsync(sdkRequest, ct).ConfigureAwait(false);
            var user = response.AssumedRoleUser ?? throw new FormatException("the response has no AssumedRoleUser");
            return new AssumedRole(Map(response.Credentials), Required(user.Arn, "AssumedRoleUser.Arn"),
                Required(user.AssumedRoleId, "AssumedRoleUser.AssumedRoleId"), response.SourceIdentity);
        }, cancellationToken);
    }

    public Task<AssumedRoleWithWebIdentity> AssumeRoleWithWebIdentityAsync(AssumeRoleWithWebIdentityRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        var sdkRequest = new Sdk.AssumeRoleWithWebIdentityRequest
        {
            RoleArn = Check.NotEmpty(request.RoleArn),
            RoleSessionName = Check.NotEmpty(request.RoleSessionName),
            WebIdentityToken = Check.NotEmpty(request.WebIdentityToken),
            DurationSeconds = request.DurationSeconds,
            Policy = request.Policy,
        };
        return CallAsync("AssumeRoleWithWebIdentity", async ct =>
        {
            var response = await _sdk.AssumeRoleWithWebIdentityAsync(sdkRequest, ct).ConfigureAwait(false);
            var user = response.AssumedRoleUser ?? throw new FormatException("the response has no AssumedRoleUser");
            return new AssumedRoleWithWebIdentity(Map(response.Credentials), Required(user.Arn, "AssumedRoleUser.Arn"),
                Required(user.AssumedRoleId, "AssumedRoleUser.AssumedRoleId"), response.SubjectFromWebIdentityToken,
                response.Audience, response.Provider, response.SourceIdentity);
        }, cancellationToken);
    }

    public void Dispose() => _sdk.Dispose();

    private static SessionCredentials Map(Sdk.Credentials? credentials)
    {
        if (credentials is null)
        {
            throw new FormatException("the response has no Credentials");
        }

        return new SessionCredentials(
            Required(credentials.AccessKeyId, "Credentials.AccessKeyId"),
            Required(credentials.SecretAccessKey, "Credentials.SecretAccessKey"),
            Required(credentials.SessionToken, "Credentials.SessionToken"),
            new DateTimeOffset(DateTime.SpecifyKind(credentials.Expiration ?? throw new FormatException("Credentials.Expiration is missing"), DateTimeKind.Utc)));
    }

    private static string Required(string? value, string name)
        => string.IsNullOrEmpty(value) ? throw new FormatException($"{name} is missing") : value;

    private Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        => _retry.ExecuteAsync(SigningName, operation, async ct =>
        {
            try
            {
                return await call(ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // The SDK unwraps an HttpRequestException whose cause is an IOException (a connection closed before the
                // answer): wrap it again, so the retry policy treats it as the transport failure it is, as for the other clients.
                throw new HttpRequestException($"AWS {SigningName} {operation}: {ex.Message}", ex);
            }
            catch (AmazonUnmarshallingException ex)
            {
                throw new AwsResponseParseException(SigningName, operation, ex.Message, ex);
            }
            catch (AmazonServiceException ex) when (ex.StatusCode != 0 || !string.IsNullOrEmpty(ex.ErrorCode))
            {
                var status = ex.StatusCode == 0 ? HttpStatusCode.InternalServerError : ex.StatusCode;
                var code = string.IsNullOrEmpty(ex.ErrorCode) ? $"Http{(int)status}" : ex.ErrorCode;
                throw AwsErrorCodes.Map(new AwsErrorDetails(SigningName, operation, code, ex.Message, status, ex.RequestId), StsErrors.ByCode);
            }
            catch (Exception ex) when (ex is FormatException or System.Xml.XmlException or InvalidDataException)
            {
                throw new AwsResponseParseException(SigningName, operation, ex.Message, ex);
            }
        }, cancellationToken);
}
