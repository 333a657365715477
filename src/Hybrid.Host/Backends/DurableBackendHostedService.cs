using Microsoft.Extensions.Hosting;

namespace Hybrid.Host.Backends;

/// <summary>
/// Starts the backend with the host and stops it with the host. Registered before the Durable Task worker, so it starts
/// before the worker connects and stops after the worker has disconnected.
/// </summary>
internal sealed class DurableBackendHostedService(DurableBackend backend) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => backend.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => backend.StopAsync(cancellationToken);
}
