using Grpc.Core;

namespace Hybrid.Host.Backends;

/// <summary>
/// A call invoker that can be handed to the worker and the client before the sidecar listens: the worker reads its
/// options when the host builds its services, and the sidecar's free port is known only once it has started. Until then
/// every call fails as <see cref="StatusCode.Unavailable"/>, which the worker retries.
/// </summary>
internal sealed class DeferredCallInvoker(Func<CallInvoker?> current) : CallInvoker
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Inner.BlockingUnaryCall(method, host, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Inner.AsyncUnaryCall(method, host, options, request);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Inner.AsyncServerStreamingCall(method, host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Inner.AsyncClientStreamingCall(method, host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Inner.AsyncDuplexStreamingCall(method, host, options);

    private CallInvoker Inner =>
        current() ?? throw new RpcException(new Status(StatusCode.Unavailable, "The durable backend has not started."));
}
