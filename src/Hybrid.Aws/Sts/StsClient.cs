using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Hybrid.Aws.Http;
using Sdk = Amazon.SecurityToken.Model;

namespace Hybrid.Aws.Sts;

/// <summary>
/// Wraps AWSSDK.SecurityToken's client. The SDK's own retries are off (MaxErrorRetry 0) so that STS follows the same
/// retry policy, and reports the same typed errors, as the other clients.
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

    public static AmazonSecurityTokenServiceConfig CreateConfig(AwsClientOptions options) => new()
    {
        ServiceURL = options.ResolveStsEndpoint().ToString(),
        AuthenticationRegion = options.Region,
        MaxErrorRetry = 0,
        Timeout = options.AttemptTimeout,
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
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
            {
                // The SDK's own attempt timeout: name the operation, and let the retry policy treat it as transport.
                throw new TimeoutException($"AWS {SigningName} {operation} did not answer in time.", ex);
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
