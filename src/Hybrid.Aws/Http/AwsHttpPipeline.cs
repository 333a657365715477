using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Hybrid.Aws.Http;

/// <summary>A response read whole: status, body and the headers the clients need.</summary>
internal sealed record AwsHttpResponse(HttpStatusCode StatusCode, byte[] Body, string? RequestId, string? ErrorType)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;
}

/// <summary>
/// One service's transport: a signed <see cref="HttpClient"/>, the retry policy, and the translation of an error
/// response into a typed exception. Each attempt builds a fresh request, so every retry is signed anew.
/// </summary>
internal sealed class AwsHttpPipeline
{
    private readonly HttpClient _http;
    private readonly AwsRetryPolicy _retry;
    private readonly ILogger _logger;

    public AwsHttpPipeline(string service, HttpClient http, AwsRetryPolicy retry, ILogger logger)
    {
        Service = service;
        _http = http;
        _retry = retry;
        _logger = logger;
    }

    public string Service { get; }

    /// <summary>
    /// Sends until success or a final error (the retry policy bounds each attempt with its timeout).
    /// <paramref name="parseError"/> turns a non-2xx response into the service's typed exception; <paramref name="parse"/>
    /// reads a 2xx body, and any exception it throws becomes an <see cref="AwsResponseParseException"/> naming the operation.
    /// </summary>
    public Task<T> SendAsync<T>(
        string operation,
        Uri endpoint,
        Func<HttpContent> content,
        IReadOnlyDictionary<string, string>? headers,
        Func<string, AwsHttpResponse, AwsServiceException> parseError,
        Func<AwsHttpResponse, T> parse,
        CancellationToken cancellationToken)
        => _retry.ExecuteAsync(Service, operation, async ct =>
        {
            var response = await SendOnceAsync(endpoint, content, headers, ct).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw parseError(operation, response);
            }

            try
            {
                return parse(response);
            }
            catch (Exception ex) when (ex is not AwsException and not OperationCanceledException)
            {
                Logs.ResponseUnparsable(_logger, Service, operation, ex.Message);
                throw new AwsResponseParseException(Service, operation, ex.Message, ex);
            }
            catch (AwsResponseParseException ex)
            {
                Logs.ResponseUnparsable(_logger, Service, operation, ex.Message);
                throw;
            }
        }, cancellationToken);

    private async Task<AwsHttpResponse> SendOnceAsync(
        Uri endpoint, Func<HttpContent> content, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content() };
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new AwsHttpResponse(
            response.StatusCode,
            body,
            First(response.Headers, "x-amzn-RequestId") ?? First(response.Headers, "x-amz-request-id"),
            First(response.Headers, "x-amzn-ErrorType"));
    }

    private static string? First(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
