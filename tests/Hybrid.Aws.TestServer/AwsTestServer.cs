using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Hybrid.Aws.TestServer;

/// <summary>One request the server answered.</summary>
public sealed record RecordedRequest(string Service, string Operation, int StatusCode, string? ErrorCode, JsonObject? Input, string? AccessKeyId);

/// <summary>A request the server refused before any backend saw it (signature, protocol or model), with the reason.</summary>
public sealed record Rejection(string Service, string? Operation, string Code, string Message);

/// <summary>
/// A strict, in-process AWS test server on 127.0.0.1: one port each for Step Functions, Step Functions' <c>sync-</c>
/// endpoint, IAM and STS. Every request must carry a valid SigV4 signature (checked by <see cref="SigV4Verifier"/>, an
/// independent implementation) for the right service and region, and must fit the botocore model of its operation.
/// Refusals answer AWS's error shapes and are recorded in <see cref="Rejections"/>, so a test can assert that nothing
/// unexpected happened. Faults (throttling, 5xx, malformed bodies) are queued on demand in <see cref="Faults"/>.
/// </summary>
public sealed class AwsTestServer : IAsyncDisposable
{
    public const string AccountId = "123456789012";
    public const string DefaultUserName = "hybrid-test";
    public const string DefaultAccessKeyId = "AKIAHYBRIDTESTKEY001";
    public const string DefaultSecretAccessKey = "hybridTestSecretKey/NotForAws/0123456789ab";

    private const string SfnErrorNamespace = "com.amazonaws.swf.service.v2.model#";

    private static readonly HashSet<string> CommonErrors = new(StringComparer.Ordinal)
    {
        "ValidationException", "ValidationError", "AccessDenied", "AccessDeniedException", "InvalidAction", "UnknownOperationException",
    };

    private readonly WebApplication _app;
    private readonly Dictionary<int, ServiceEndpoint> _endpoints = [];
    private readonly ConcurrentDictionary<string, (string Secret, string? Token)> _credentials = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<Rejection> _rejections = new();
    private readonly SigV4Verifier _verifier;
    private readonly TimeProvider _time;
    private readonly ServiceModel _sfnModel;
    private readonly ServiceModel _iamModel;
    private readonly ServiceModel _stsModel;

    private AwsTestServer(WebApplication app, string region, TimeProvider time)
    {
        _app = app;
        Region = region;
        _sfnModel = ServiceModel.Load("stepfunctions", "2016-11-23");
        _iamModel = ServiceModel.Load("iam", "2010-05-08");
        _stsModel = ServiceModel.Load("sts", "2011-06-15");
        _time = time;
        _verifier = new SigV4Verifier(Lookup, time);
        StepFunctions = new StepFunctionsBackend(time, region, AccountId);
        Iam = new IamBackend(time, AccountId);
        Sts = new StsBackend(Iam, time, AccountId);
        Iam.AddAccessKey(DefaultUserName, DefaultAccessKeyId, DefaultSecretAccessKey);
    }

    private enum ServiceEndpoint
    {
        States,
        StatesSync,
        Iam,
        Sts,
    }

    public string Region { get; }

    public Uri StepFunctionsEndpoint { get; private set; } = null!;

    public Uri StepFunctionsSyncEndpoint { get; private set; } = null!;

    public Uri IamEndpoint { get; private set; } = null!;

    public Uri StsEndpoint { get; private set; } = null!;

    public StepFunctionsBackend StepFunctions { get; }

    public IamBackend Iam { get; }

    public StsBackend Sts { get; }

    public FaultQueue Faults { get; } = new();

    /// <summary>
    /// Awaited once a request has been served and before its answer is written (service, operation, input): a test holds
    /// a call whose effect has happened (an execution started) while its caller still waits for the answer.
    /// </summary>
    public Func<string, string, JsonObject, Task>? BeforeAnswer { get; set; }

    /// <summary>Every request that reached a backend or a queued fault, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Every request refused for its signature, its protocol or its shape.</summary>
    public IReadOnlyList<Rejection> Rejections => [.. _rejections];

    /// <summary>Starts the server on four free loopback ports.</summary>
    public static async Task<AwsTestServer> StartAsync(string region = "us-east-1", TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var listeners = new List<(ListenOptions Options, ServiceEndpoint Endpoint)>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var endpoint in Enum.GetValues<ServiceEndpoint>())
            {
                kestrel.Listen(IPAddress.Loopback, 0, options =>
                {
                    options.Protocols = HttpProtocols.Http1;
                    listeners.Add((options, endpoint));
                });
            }
        });

        var app = builder.Build();
        var server = new AwsTestServer(app, region, time ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        foreach (var (options, endpoint) in listeners)
        {
            var port = options.IPEndPoint?.Port ?? 0;
            if (port == 0)
            {
                throw new InvalidOperationException("Kestrel did not report the port it bound.");
            }

            server._endpoints[port] = endpoint;
            var uri = new Uri($"http://127.0.0.1:{port}/");
            switch (endpoint)
            {
                case ServiceEndpoint.States: server.StepFunctionsEndpoint = uri; break;
                case ServiceEndpoint.StatesSync: server.StepFunctionsSyncEndpoint = uri; break;
                case ServiceEndpoint.Iam: server.IamEndpoint = uri; break;
                default: server.StsEndpoint = uri; break;
            }
        }

        return server;
    }

    /// <summary>Registers a key pair (and session token) that may sign requests.</summary>
    public void AddCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
        => _credentials[accessKeyId] = (secretAccessKey, sessionToken);

    /// <summary>Throws, listing them, if any request was refused.</summary>
    public void AssertNoRejections()
    {
        var rejections = Rejections;
        if (rejections.Count > 0)
        {
            throw new InvalidOperationException("The AWS test server refused request(s):\n" +
                string.Join("\n", rejections.Select(r => $"  {r.Service} {r.Operation ?? "?"}: {r.Code}: {r.Message}")));
        }
    }

    /// <summary>Forgets recorded requests and rejections (state and queued faults stay).</summary>
    public void ClearLog()
    {
        _requests.Clear();
        _rejections.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private KnownKey? Lookup(string accessKeyId)
    {
        if (_credentials.TryGetValue(accessKeyId, out var known))
        {
            return new KnownKey(known.Secret, known.Token);
        }

        if (Iam.ActiveKey(accessKeyId) is { } key)
        {
            return new KnownKey(key.Secret);
        }

        return Sts.Session(accessKeyId) is { } session
            ? new KnownKey(session.SecretAccessKey, session.SessionToken, session.Expiration <= _time.GetUtcNow())
            : null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var endpoint = _endpoints.GetValueOrDefault(context.Connection.LocalPort);
        var model = endpoint switch
        {
            ServiceEndpoint.States or ServiceEndpoint.StatesSync => _sfnModel,
            ServiceEndpoint.Iam => _iamModel,
            _ => _stsModel,
        };
        var json = model.Protocol == "json";
        var service = model.SigningName;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();

        string? operationName = null;
        try
        {
            // 1. The protocol: which operation, in which envelope.
            IReadOnlyDictionary<string, string>? form = null;
            if (context.Request.Method != "POST")
            {
                throw new ProtocolViolation(json ? "UnknownOperationException" : "InvalidAction", $"{context.Request.Method} is not an operation; AWS {service} takes POST /.");
            }

            var expectedHost = $"127.0.0.1:{context.Connection.LocalPort}";
            if (context.Request.Headers.Host.ToString() != expectedHost)
            {
                throw new ProtocolViolation(json ? "UnknownOperationException" : "InvalidAction", $"Host '{context.Request.Headers.Host}' is not this endpoint ({expectedHost}).");
            }

            if (RawPath(context) != "/" || RawQuery(context).Length > 0)
            {
                throw new ProtocolViolation(json ? "UnknownOperationException" : "InvalidAction", $"AWS {service} takes POST / with no query string, not '{RawPath(context)}?{RawQuery(context)}'.");
            }

            if (json)
            {
                if (context.Request.ContentType != "application/x-amz-json-1.0")
                {
                    throw new ProtocolViolation("ValidationException", $"Content-Type must be application/x-amz-json-1.0, not '{context.Request.ContentType}'.");
                }

                var target = context.Request.Headers["X-Amz-Target"].ToString();
                var prefix = model.TargetPrefix + ".";
                operationName = target.StartsWith(prefix, StringComparison.Ordinal) ? target[prefix.Length..] : null;
                if (operationName is null || !model.Operations.ContainsKey(operationName))
                {
                    throw new ProtocolViolation("UnknownOperationException", $"X-Amz-Target '{target}' names no {prefix}* operation of the model.");
                }
            }
            else
            {
                if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
                {
                    throw new ProtocolViolation("ValidationError", $"Content-Type must be application/x-www-form-urlencoded, not '{context.Request.ContentType}'.");
                }

                form = ParseForm(body);
                operationName = form.GetValueOrDefault("Action");
                if (operationName is null || !model.Operations.ContainsKey(operationName))
                {
                    throw new ProtocolViolation("InvalidAction", $"Could not find operation {operationName ?? "(no Action)"} for version {model.ApiVersion}.");
                }

                if (form.GetValueOrDefault("Version") != model.ApiVersion)
                {
                    throw new ProtocolViolation("InvalidAction", $"Version must be {model.ApiVersion}, not '{form.GetValueOrDefault("Version")}'.");
                }
            }

            var operation = model.Operations[operationName];
            var onSync = endpoint == ServiceEndpoint.StatesSync;
            if ((operation.HostPrefix is not null) != onSync)
            {
                throw new ProtocolViolation("UnknownOperationException", operation.HostPrefix is not null
                    ? $"{operationName} is served only on the '{operation.HostPrefix}' endpoint."
                    : $"{operationName} is not served on the sync- endpoint.");
            }

            // 2. The signature (AssumeRoleWithWebIdentity alone may come unsigned: the token is the credential).
            string? accessKey = null;
            var unsignedAllowed = operationName == "AssumeRoleWithWebIdentity" && !context.Request.Headers.ContainsKey("Authorization");
            if (!unsignedAllowed)
            {
                var signable = new SignableRequest(
                    context.Request.Method,
                    RawPath(context),
                    RawQuery(context),
                    context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal),
                    body);
                var signingRegion = endpoint == ServiceEndpoint.Iam ? "us-east-1" : Region;
                accessKey = _verifier.Verify(signable, service, signingRegion, out var failure);
                if (failure is not null)
                {
                    throw new SignatureViolation(failure);
                }
            }

            // 3. The shape.
            JsonObject input;
            try
            {
                input = json ? ModelCodec.ReadJson(model, operation, body) : ModelCodec.ReadQuery(model, operation, form!);
            }
            catch (ModelViolationException ex)
            {
                throw new ProtocolViolation(json ? "ValidationException" : "ValidationError", ex.Message);
            }

            // 4. A queued fault, or the backend.
            if (Faults.Take(service, operationName, input) is { } fault)
            {
                await WriteFaultAsync(context, model, operation, fault, input, accessKey).ConfigureAwait(false);
                return;
            }

            JsonObject output;
            try
            {
                output = endpoint switch
                {
                    ServiceEndpoint.States or ServiceEndpoint.StatesSync => StepFunctions.Handle(operationName, input),
                    ServiceEndpoint.Iam => Iam.Handle(operationName, input, accessKey is null ? null : Iam.ActiveKey(accessKey)?.UserName),
                    _ => Sts.Handle(operationName, input, accessKey),
                };
            }
            catch (AwsErrorResponse error)
            {
                var modelled = operation.Errors.Select(model.ErrorCodeOf).ToHashSet(StringComparer.Ordinal);
                if (!modelled.Contains(error.Code) && !CommonErrors.Contains(error.Code))
                {
                    _rejections.Enqueue(new Rejection(service, operationName, "ServerBug", $"The backend answered {error.Code}, which the model does not list for {operationName}."));
                }

                var status = operation.Errors.Select(model.Shape).FirstOrDefault(s => model.ErrorCodeOf(s.Name) == error.Code)?.ErrorStatus ?? error.StatusCode;
                _requests.Enqueue(new RecordedRequest(service, operationName, status, error.Code, input, accessKey));
                await WriteErrorAsync(context, model, status, error.Code, error.Message, modelled.Contains(error.Code)).ConfigureAwait(false);
                return;
            }

            if (BeforeAnswer is { } hold)
            {
                await hold(service, operationName, input).ConfigureAwait(false);
            }

            _requests.Enqueue(new RecordedRequest(service, operationName, 200, null, input, accessKey));
            await WriteOutputAsync(context, model, operation, output).ConfigureAwait(false);
        }
        catch (SignatureViolation ex)
        {
            var (code, status) = (json, ex.Failure.Kind) switch
            {
                (true, "Missing") => ("MissingAuthenticationTokenException", 403),
                (true, "UnknownKey" or "BadToken") => ("UnrecognizedClientException", 403),
                (true, "ExpiredToken") => ("ExpiredTokenException", 403),
                (true, "Malformed") => ("IncompleteSignatureException", 403),
                (true, _) => ("InvalidSignatureException", 403),
                (false, "Missing") => ("MissingAuthenticationToken", 403),
                (false, "UnknownKey" or "BadToken") => ("InvalidClientTokenId", 403),
                (false, "ExpiredToken") => ("ExpiredToken", 403),
                (false, "Malformed") => ("IncompleteSignature", 403),
                (false, _) => ("SignatureDoesNotMatch", 403),
            };
            _rejections.Enqueue(new Rejection(service, operationName, code, ex.Failure.Message));
            await WriteErrorAsync(context, model, status, code, ex.Failure.Message, modelled: false).ConfigureAwait(false);
        }
        catch (ProtocolViolation ex)
        {
            _rejections.Enqueue(new Rejection(service, operationName, ex.Code, ex.Message));
            await WriteErrorAsync(context, model, 400, ex.Code, ex.Message, modelled: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            _rejections.Enqueue(new Rejection(service, operationName, "ServerBug", ex.ToString()));
            await WriteErrorAsync(context, model, 500, "InternalFailure", ex.Message, modelled: false).ConfigureAwait(false);
        }
    }

    private async Task WriteFaultAsync(HttpContext context, ServiceModel model, ModelOperation operation, QueuedFault fault, JsonObject input, string? accessKey)
    {
        var json = model.Protocol == "json";
        var service = model.SigningName;
        if (fault.Kind == FaultKind.Hang)
        {
            _requests.Enqueue(new RecordedRequest(service, operation.Name, 0, "(hang)", input, accessKey));
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as the test meant it to.
            }

            return;
        }

        if (fault.Kind == FaultKind.Disconnect)
        {
            _requests.Enqueue(new RecordedRequest(service, operation.Name, 0, "(disconnect)", input, accessKey));
            context.Abort();
            return;
        }

        if (fault.Kind == FaultKind.MalformedResponse)
        {
            _requests.Enqueue(new RecordedRequest(service, operation.Name, 200, "(malformed)", input, accessKey));
            context.Response.StatusCode = 200;
            context.Response.ContentType = json ? "application/x-amz-json-1.0" : "text/xml";
            var text = json
                ? "{\"executionArn\": \"arn:aws:states:" + Region + ":" + AccountId + ":execution:cut-"
                : $"<{operation.Name}Response xmlns=\"{model.XmlNamespace}\"><{operation.Name}Result><Cut";
            await context.Response.WriteAsync(text).ConfigureAwait(false);
            return;
        }

        var (code, status, message) = fault.Kind switch
        {
            FaultKind.Throttle => (json ? "ThrottlingException" : "Throttling", 400, "Rate exceeded"),
            FaultKind.TooManyRequests => ("TooManyRequestsException", 429, "Too Many Requests"),
            FaultKind.InternalError => (service == "iam" ? "ServiceFailure" : "InternalFailure", 500, "The request processing has failed because of an unknown error."),
            FaultKind.ServiceUnavailable => ("ServiceUnavailable", 503, "Service is unavailable."),
            _ => (fault.ErrorCode!, fault.StatusCode, fault.Message ?? ""),
        };
        _requests.Enqueue(new RecordedRequest(service, operation.Name, status, code, input, accessKey));
        var modelled = operation.Errors.Select(model.ErrorCodeOf).Contains(code, StringComparer.Ordinal);
        await WriteErrorAsync(context, model, status, code, message, modelled).ConfigureAwait(false);
    }

    /// <summary>
    /// AWS JSON errors carry the code in <c>__type</c> (modelled ones with a namespace before <c>#</c>, others also in
    /// <c>x-amzn-ErrorType</c>); Query errors are <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;</c>.
    /// </summary>
    private static async Task WriteErrorAsync(HttpContext context, ServiceModel model, int status, string code, string message, bool modelled)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.StatusCode = status;
        if (model.Protocol == "json")
        {
            context.Response.Headers["x-amzn-RequestId"] = requestId;
            if (!modelled)
            {
                context.Response.Headers["x-amzn-ErrorType"] = code + ":http://internal.amazon.com/coral/com.amazon.coral.service/";
            }

            context.Response.ContentType = "application/x-amz-json-1.0";
            var payload = new JsonObject { ["__type"] = (modelled ? SfnErrorNamespace : "") + code, ["message"] = message };
            await context.Response.WriteAsync(payload.ToJsonString()).ConfigureAwait(false);
            return;
        }

        context.Response.Headers["x-amzn-RequestId"] = requestId;
        context.Response.ContentType = "text/xml";
        System.Xml.Linq.XNamespace ns = model.XmlNamespace ?? "";
        var document = new System.Xml.Linq.XElement(ns + "ErrorResponse",
            new System.Xml.Linq.XElement(ns + "Error",
                new System.Xml.Linq.XElement(ns + "Type", status >= 500 ? "Receiver" : "Sender"),
                new System.Xml.Linq.XElement(ns + "Code", code),
                new System.Xml.Linq.XElement(ns + "Message", message)),
            new System.Xml.Linq.XElement(ns + "RequestId", requestId));
        await context.Response.WriteAsync(document.ToString(System.Xml.Linq.SaveOptions.DisableFormatting)).ConfigureAwait(false);
    }

    private static async Task WriteOutputAsync(HttpContext context, ServiceModel model, ModelOperation operation, JsonObject output)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.StatusCode = 200;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        if (model.Protocol == "json")
        {
            context.Response.ContentType = "application/x-amz-json-1.0";
            await context.Response.WriteAsync(ModelCodec.WriteJson(model, operation, output).ToJsonString()).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/xml";
        var document = ModelCodec.WriteXml(model, operation, output, requestId);
        await context.Response.WriteAsync(document.ToString(System.Xml.Linq.SaveOptions.DisableFormatting)).ConfigureAwait(false);
    }

    private static Dictionary<string, string> ParseForm(byte[] body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            if (values.Count != 1)
            {
                throw new ProtocolViolation("ValidationError", $"Parameter '{key}' appears {values.Count} times.");
            }

            result[key] = values[0] ?? "";
        }

        return result;
    }

    private static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? raw : raw[..q];
    }

    private static string RawQuery(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? "" : raw[(q + 1)..];
    }

    private sealed class ProtocolViolation(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    private sealed class SignatureViolation(SignatureFailure failure) : Exception(failure.Message)
    {
        public SignatureFailure Failure { get; } = failure;
    }
}
