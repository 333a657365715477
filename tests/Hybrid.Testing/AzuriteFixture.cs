using Xunit;

namespace Hybrid.Testing;

/// <summary>
/// Starts Azurite from tests/tools on 127.0.0.1, on free ports, with telemetry disabled and a temporary data folder,
/// and stops it (and deletes the folder) on dispose. Share one per test collection.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private NodeProcess? _process;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "hybrid-azurite-" + Path.GetRandomFileName());

    /// <summary>The process id, so tests can prove it is gone after dispose.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>A connection string for the well-known development account on this instance's ports.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataFolder);
        BlobPort = FreePorts.Next();
        QueuePort = FreePorts.Next();
        TablePort = FreePorts.Next();
        string[] args =
        [
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            "--location", DataFolder,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        _process = NodeProcess.Start(RepoPaths.Combine("tests", "tools", "node_modules", "azurite", "dist", "src", "azurite.js"), args);
        try
        {
            foreach (var port in new[] { BlobPort, QueuePort, TablePort })
            {
                await FreePorts.WaitUntilListeningAsync(port, StartTimeout, () => _process.HasExited);
            }
        }
        catch (Exception e)
        {
            var output = _process.Output;
            await DisposeAsync();
            throw new InvalidOperationException($"Azurite did not start: {e.Message}\n{output}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS temp cleaner; the process itself is gone.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
