namespace Hybrid.Aws.TestServer;

/// <summary>A failure the test asks the server to answer instead of the real result.</summary>
public enum FaultKind
{
    /// <summary>HTTP 400 with the service's throttling code (<c>ThrottlingException</c> in JSON, <c>Throttling</c> in Query).</summary>
    Throttle,

    /// <summary>HTTP 429 <c>TooManyRequestsException</c>.</summary>
    TooManyRequests,

    /// <summary>HTTP 500 (<c>InternalFailure</c>, IAM's <c>ServiceFailure</c>).</summary>
    InternalError,

    /// <summary>HTTP 503 <c>ServiceUnavailable</c>.</summary>
    ServiceUnavailable,

    /// <summary>HTTP 200 with a body cut short, which no client can parse.</summary>
    MalformedResponse,

    /// <summary>No answer at all until the client gives up and closes the connection.</summary>
    Hang,

    /// <summary>The connection is closed with no answer, as a server restarting or a stale pooled connection does.</summary>
    Disconnect,
}

/// <summary>
/// A queued fault: it answers the next <see cref="Times"/> requests to the operation (any operation of the service if
/// null) whose input <see cref="Match"/> accepts (any input if null).
/// </summary>
public sealed record QueuedFault(string Service, string? Operation, FaultKind? Kind, int Times, string? ErrorCode = null, int StatusCode = 400, string? Message = null, Func<System.Text.Json.Nodes.JsonObject, bool>? Match = null);

/// <summary>Faults a test queues; the server applies them after a request passed the signature and model checks.</summary>
public sealed class FaultQueue
{
    private readonly Lock _gate = new();
    private readonly List<QueuedFault> _faults = [];

    /// <param name="service"><c>states</c>, <c>iam</c> or <c>sts</c>.</param>
    /// <param name="operation">The operation to fail, or null for any.</param>
    /// <param name="kind">The fault.</param>
    /// <param name="times">How many consecutive matching requests it answers.</param>
    /// <param name="match">
    /// Which requests it answers, by their input (any if null): a test that must not be disturbed by other traffic to
    /// the shared server (a host still shutting down, a client's background refresh) scopes its faults to its own calls.
    /// </param>
    public void Enqueue(string service, string? operation, FaultKind kind, int times = 1, Func<System.Text.Json.Nodes.JsonObject, bool>? match = null)
    {
        lock (_gate)
        {
            _faults.Add(new QueuedFault(service, operation, kind, times, Match: match));
        }
    }

    /// <summary>Queues an arbitrary AWS error answer (for example IAM's <c>ConcurrentModification</c>, 409).</summary>
    public void EnqueueError(string service, string? operation, string errorCode, int statusCode, string message = "Injected by the test.", int times = 1)
    {
        lock (_gate)
        {
            _faults.Add(new QueuedFault(service, operation, null, times, errorCode, statusCode, message));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    internal QueuedFault? Take(string service, string operation, System.Text.Json.Nodes.JsonObject input)
    {
        lock (_gate)
        {
            var index = _faults.FindIndex(f => f.Service == service && (f.Operation is null || f.Operation == operation) && (f.Match is null || f.Match(input)));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            if (fault.Times <= 1)
            {
                _faults.RemoveAt(index);
            }
            else
            {
                _faults[index] = fault with { Times = fault.Times - 1 };
            }

            return fault;
        }
    }
}

/// <summary>An AWS error answer raised by a backend.</summary>
public sealed class AwsErrorResponse(string code, string message, int statusCode = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}
