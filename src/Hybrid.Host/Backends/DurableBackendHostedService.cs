using Microsoft.Extensions.Hosting;

namespace Hybrid.Host.Backends;

/// <summary>
/// Starts the backend with the host and stops it with the host. Registered before the Durable Task worker, so it starts
/// before the worker connects and stops after the worker has disconnected.
/// </summary>
internal sealed class DurableBackendHostedService(DurableBackend backend) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => backend.StartAsync(cancellationToken);

    /// <summary>
    /// Stops the backend within its own <see cref="DurableBackendOptions.ShutdownTimeout"/>, not the host's token: the
    /// worker, which stops first, may have used the host's whole budget waiting for its work in flight, and the backend
    /// still deserves its turn to release Azure Storage's partition leases.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => backend.StopAsync(CancellationToken.None);
}
