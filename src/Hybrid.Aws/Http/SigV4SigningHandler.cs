using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;

namespace Hybrid.Aws.Http;

/// <summary>
/// Signs each request with AWS Signature Version 4 for one service and region: it builds the canonical request and
/// leaves the string to sign and the HMAC chain to AWSSDK.Core's <see cref="AWS4Signer"/>. It signs host, content-type
/// and every <c>x-amz-*</c> header, over the SHA-256 of the whole body.
/// </summary>
internal sealed class SigV4SigningHandler : DelegatingHandler
{
    private readonly AwsCredentialSource _credentials;
    private readonly string _service;
    private readonly string _region;
    private readonly TimeProvider _time;

    public SigV4SigningHandler(AwsCredentialSource credentials, string service, string region, TimeProvider time, HttpMessageHandler inner)
        : base(inner)
    {
        _credentials = credentials;
        _service = Check.NotEmpty(service);
        _region = Check.NotEmpty(region);
        _time = time;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var signedAt = _time.GetUtcNow().UtcDateTime;

        request.Headers.Remove("Authorization");
        request.Headers.Remove("X-Amz-Date");
        request.Headers.Remove("X-Amz-Security-Token");
        request.Headers.Host = uri.Authority;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = uri.Authority };
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            var lower = name.ToLowerInvariant();
            if (lower.StartsWith("x-amz-", StringComparison.Ordinal))
            {
                headers[lower] = CanonicalValue(string.Join(",", values));
            }
        }

        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = CanonicalValue(contentType.ToString());
        }

        var signedHeaders = string.Join(";", headers.Keys);
        var canonicalRequest = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(CanonicalPath(uri)).Append('\n')
            .Append(CanonicalQuery(uri)).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonicalRequest.Append(name).Append(':').Append(value).Append('\n');
        }

        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(body)));

        var result = AWS4Signer.ComputeSignature(credentials, _region, signedAt, _service, signedHeaders, canonicalRequest.ToString());
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static string CanonicalValue(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Every path segment URI-encoded twice, as SigV4 asks of every service but S3 (the path is already encoded once).</summary>
    private static string CanonicalPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (path.Length == 0)
        {
            return "/";
        }

        return string.Join('/', path.Split('/').Select(Rfc3986.Encode));
    }

    private static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return "";
        }

        return string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
                return (Name: Rfc3986.Encode(name), Value: Rfc3986.Encode(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }
}

/// <summary>RFC 3986 percent-encoding: everything but the unreserved characters, hex digits upper case.</summary>
internal static class Rfc3986
{
    public static string Encode(string value) => Uri.EscapeDataString(value);
}
