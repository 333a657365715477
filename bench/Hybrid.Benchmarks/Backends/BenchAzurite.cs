using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hybrid.Benchmarks.Backends;

/// <summary>
/// The storage the Azure Storage benchmarks run on: the Azurite named by <c>HYBRID_BENCH_STORAGE</c> (a connection
/// string), or else one started from tests/tools on 127.0.0.1 and free ports, always with <c>--disableTelemetry</c>,
/// and killed when the benchmark process ends.
/// </summary>
internal sealed class BenchAzurite : IDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process? _process;
    private readonly string? _folder;

    private BenchAzurite(string connectionString, Process? process, string? folder)
    {
        ConnectionString = connectionString;
        _process = process;
        _folder = folder;
    }

    public string ConnectionString { get; }

    public static BenchAzurite Start()
    {
        if (Environment.GetEnvironmentVariable("HYBRID_BENCH_STORAGE") is { Length: > 0 } external)
        {
            return new BenchAzurite(external, null, null);
        }

        var script = Path.Combine(RepoRoot(), "tests", "tools", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new FileNotFoundException("Azurite is missing: run 'npm ci --prefix tests/tools' first.", script);
        }

        var folder = Path.Combine(Path.GetTempPath(), "hybrid-bench-azurite-" + Path.GetRandomFileName());
        Directory.CreateDirectory(folder);
        int[] ports = [FreePort(), FreePort(), FreePort()];
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     script, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--location", folder,
                     "--blobHost", "127.0.0.1", "--blobPort", Text(ports[0]),
                     "--queueHost", "127.0.0.1", "--queuePort", Text(ports[1]),
                     "--tableHost", "127.0.0.1", "--tablePort", Text(ports[2]),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new BenchAzurite(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey + ";" +
            $"BlobEndpoint=http://127.0.0.1:{Text(ports[0])}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{Text(ports[1])}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{Text(ports[2])}/devstoreaccount1;",
            process,
            folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Dispose();
        var deadline = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (!Listening(port))
            {
                if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    azurite.Dispose();
                    throw new InvalidOperationException("Azurite did not start.");
                }

                Thread.Sleep(50);
            }
        }

        return azurite;
    }

    public void Dispose()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process?.Dispose();
        if (_folder is not null)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the temp cleaner.
            }
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hybrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Hybrid.sln was not found above {AppContext.BaseDirectory}.");
    }
}
