using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Aws.TestServer;

/// <summary>Why a signature was refused, in AWS's words. Kind: Missing, UnknownKey, BadToken, ExpiredToken, Expired, Malformed or Mismatch.</summary>
public sealed record SignatureFailure(string Kind, string Message);

/// <summary>A key the server knows: its secret, the session token it needs if any, and whether that session has expired.</summary>
public sealed record KnownKey(string Secret, string? SessionToken = null, bool Expired = false);

/// <summary>A request as the verifier sees it: everything SigV4 covers.</summary>
public sealed record SignableRequest(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyDictionary<string, string[]> Headers,
    byte[] Body);

/// <summary>
/// An independent AWS Signature Version 4 verifier, written from the specification (canonical request, string to sign,
/// HMAC-SHA256 key derivation) and sharing no code with AWSSDK. It knows the secrets of the keys the test registered.
/// </summary>
public sealed class SigV4Verifier
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);

    private readonly Func<string, KnownKey?> _lookup;
    private readonly TimeProvider _time;

    public SigV4Verifier(Func<string, KnownKey?> lookup, TimeProvider time)
    {
        _lookup = lookup;
        _time = time;
    }

    /// <summary>Checks the request's Authorization header; on success returns the access key id that signed it.</summary>
    public string Verify(SignableRequest request, string expectedService, string expectedRegion, out SignatureFailure? failure)
    {
        failure = null;
        var authorization = Header(request, "authorization");
        if (authorization is null)
        {
            failure = new("Missing", "Request is missing Authentication Token");
            return "";
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            failure = new("Malformed", $"Authorization header requires the algorithm {Algorithm}.");
            return "";
        }

        var parts = authorization[(Algorithm.Length + 1)..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaderList) ||
            !parts.TryGetValue("Signature", out var signature) || parts.Count != 3)
        {
            failure = new("Malformed", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, and no others.");
            return "";
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            failure = new("Malformed", $"Credential should be scoped to a valid region, service and date: '{credential}'.");
            return "";
        }

        var (accessKey, date, region, service) = (scope[0], scope[1], scope[2], scope[3]);
        var known = _lookup(accessKey);
        if (known is null)
        {
            failure = new("UnknownKey", "The security token included in the request is invalid.");
            return "";
        }

        if (service != expectedService || region != expectedRegion)
        {
            failure = new("Mismatch", $"Credential should be scoped to region '{expectedRegion}' and service '{expectedService}', not '{region}'/'{service}'.");
            return "";
        }

        var amzDate = Header(request, "x-amz-date");
        if (amzDate is null || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            failure = new("Malformed", "The request must carry X-Amz-Date in the form yyyyMMddTHHmmssZ.");
            return "";
        }

        if (!amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            failure = new("Mismatch", $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{amzDate[..8]}'.");
            return "";
        }

        var skew = (_time.GetUtcNow().UtcDateTime - signedAt).Duration();
        if (skew > AllowedSkew)
        {
            failure = new("Expired", $"Signature expired: {amzDate} is more than 15 minutes away from the server's time.");
            return "";
        }

        var signedHeaders = signedHeaderList.Split(';');
        if (signedHeaders.Any(h => h.Length == 0 || h != h.ToLowerInvariant()) ||
            !signedHeaders.SequenceEqual(signedHeaders.Order(StringComparer.Ordinal)))
        {
            failure = new("Malformed", "SignedHeaders must be lower-case header names, sorted and separated by ';'.");
            return "";
        }

        foreach (var mustSign in new[] { "host", "x-amz-date", "x-amz-target", "x-amz-security-token" })
        {
            if (Header(request, mustSign) is not null && !signedHeaders.Contains(mustSign))
            {
                failure = new("Malformed", $"'{mustSign}' must be a signed header.");
                return "";
            }
        }

        if (!signedHeaders.Contains("host"))
        {
            failure = new("Malformed", "'host' must be a signed header.");
            return "";
        }

        var token = Header(request, "x-amz-security-token");
        if (known.SessionToken is { } expectedToken && token != expectedToken)
        {
            failure = new("BadToken", "The security token included in the request is invalid.");
            return "";
        }

        if (known.SessionToken is null && token is not null)
        {
            failure = new("BadToken", "The security token included in the request is invalid.");
            return "";
        }

        var payloadHash = Hex(SHA256.HashData(request.Body));
        if (Header(request, "x-amz-content-sha256") is { } declared && declared != payloadHash)
        {
            failure = new("Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
            return "";
        }

        var canonicalRequest = CanonicalRequest(request, signedHeaders, payloadHash, out var missing);
        if (missing is not null)
        {
            failure = new("Malformed", $"The signed header '{missing}' is not in the request.");
            return "";
        }

        var credentialScope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{credentialScope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + known.Secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            failure = new("Mismatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. " +
                $"The Canonical String for this request should have been\n'{canonicalRequest}'\n\nThe String-to-Sign should have been\n'{stringToSign}'");
            return "";
        }

        if (known.Expired)
        {
            failure = new("ExpiredToken", "The security token included in the request is expired");
            return "";
        }

        return accessKey;
    }

    /// <summary>The canonical request of the SigV4 specification (non-S3 rules: every path segment encoded twice).</summary>
    public static string CanonicalRequest(SignableRequest request, IReadOnlyList<string> signedHeaders, string payloadHash, out string? missingHeader)
    {
        missingHeader = null;
        var builder = new StringBuilder();
        builder.Append(request.Method).Append('\n');

        var path = request.RawPath.Length == 0 ? "/" : request.RawPath;
        builder.Append(string.Join('/', path.Split('/').Select(Encode))).Append('\n');

        var query = request.RawQuery.TrimStart('?');
        var pairs = query.Length == 0
            ? []
            : query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString((eq < 0 ? p : p[..eq]).Replace('+', ' '));
                var value = eq < 0 ? "" : Uri.UnescapeDataString(p[(eq + 1)..].Replace('+', ' '));
                return (Name: Encode(name), Value: Encode(value));
            }).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
        builder.Append(string.Join('&', pairs.Select(p => p.Name + "=" + p.Value))).Append('\n');

        foreach (var name in signedHeaders)
        {
            var value = Header(request, name);
            if (value is null)
            {
                missingHeader = name;
                return "";
            }

            builder.Append(name).Append(':').Append(string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>RFC 3986: unreserved characters stay, every other byte of the UTF-8 form becomes %XX (upper-case hex).</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string? Header(SignableRequest request, string name)
        => request.Headers.TryGetValue(name, out var values) && values.Length > 0 ? string.Join(',', values) : null;

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
