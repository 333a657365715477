using System.Globalization;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hybrid.Identity.Tokens;

namespace Hybrid.Benchmarks.Identity;

/// <summary>
/// Reference-token checks through RFC 7662 introspection against a stub listener on 127.0.0.1: every call on the
/// wire, or with the result cache (1,000 distinct tokens in rotation, 60 s cap). Hit rates are printed at cleanup.
/// </summary>
[MemoryDiagnoser]
public class IntrospectionBenchmarks
{
    private readonly string[] _tokens = [.. Enumerable.Range(0, 1000).Select(i => "reftoken" + i.ToString("D6", CultureInfo.InvariantCulture))];
    private HttpListener _listener = null!;
    private HttpClient _http = null!;
    private TokenValidator _uncached = null!;
    private TokenValidator _cached = null!;
    private int _next;
    private long _served;

    [GlobalSetup]
    public void Setup()
    {
        var port = FreePort();
        var endpoint = $"http://127.0.0.1:{port}/as/introspect.oauth2";
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
        _http = new HttpClient();
        _uncached = Validator(endpoint, TimeSpan.Zero);
        _cached = Validator(endpoint, TimeSpan.FromSeconds(60));
    }

    [Benchmark(Baseline = true)]
    public async Task<bool> Introspection_NoCache() => (await _uncached.ValidateAsync(NextToken())).IsValid;

    [Benchmark]
    public async Task<bool> Introspection_Cached() => (await _cached.ValidateAsync(NextToken())).IsValid;

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (name, validator) in new[] { ("no cache", _uncached), ("cached", _cached) })
        {
            var hits = validator.Introspection!.CacheHits;
            var misses = validator.Introspection.CacheMisses;
            var rate = hits + misses == 0 ? 0 : 100.0 * hits / (hits + misses);
            Console.WriteLine($"// Introspection {name}: {hits} hits, {misses} misses, hit rate {rate:0.00}%, stub served {Interlocked.Read(ref _served)} calls in all");
        }

        _listener.Stop();
        _listener.Close();
        _http.Dispose();
    }

    private string NextToken() => _tokens[(uint)Interlocked.Increment(ref _next) % (uint)_tokens.Length];

    private TokenValidator Validator(string endpoint, TimeSpan cache) => BenchIssuer.Validator(
        [],
        new IntrospectionOptions { ClientId = "rs", ClientSecret = "secret", Endpoint = endpoint, MaxCacheDuration = cache },
        _http);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _served);
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                await reader.ReadToEndAsync();
            }

            var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var body = Encoding.UTF8.GetBytes(
                $$"""{"active":true,"client_id":"hybrid-admin","sub":"alice","iss":"{{BenchIssuer.Issuer}}","aud":"{{BenchIssuer.Audience}}","groups":"admins","scope":"workflows:start","exp":{{exp}}}""");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
