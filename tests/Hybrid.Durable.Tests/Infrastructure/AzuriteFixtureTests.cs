using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hybrid.Testing;

namespace Hybrid.Durable.Tests.Infrastructure;

public sealed class AzuriteFixtureTests
{
    [Fact]
    public async Task Azurite_BlobQueueAndTableRoundTrip_ThenLeavesNoProcess()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        int pid;
        try
        {
            pid = azurite.ProcessId;

            var container = new BlobContainerClient(azurite.ConnectionString, "roundtrip");
            await container.CreateIfNotExistsAsync();
            await container.UploadBlobAsync("hello.txt", BinaryData.FromString("hello blob"));
            var blob = await container.GetBlobClient("hello.txt").DownloadContentAsync();
            Assert.Equal("hello blob", blob.Value.Content.ToString());

            var queue = new QueueClient(azurite.ConnectionString, "roundtrip");
            await queue.CreateIfNotExistsAsync();
            await queue.SendMessageAsync("hello queue");
            var message = await queue.ReceiveMessageAsync();
            Assert.Equal("hello queue", message.Value.Body.ToString());

            var table = new TableClient(azurite.ConnectionString, "roundtrip");
            await table.CreateIfNotExistsAsync();
            await table.AddEntityAsync(new TableEntity("p", "r") { ["Greeting"] = "hello table" });
            var entity = await table.GetEntityAsync<TableEntity>("p", "r");
            Assert.Equal("hello table", entity.Value.GetString("Greeting"));
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        Assert.False(ProcessExists(pid), $"Azurite (pid {pid}) is still running after dispose.");
        Assert.False(Directory.Exists(azurite.DataFolder), "Azurite's temporary data folder was not removed.");
    }

    [Fact]
    public async Task Azurite_EveryProcessItRuns_HasTelemetryDisabledAndListensOnLoopbackOnly()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            AssertTelemetryDisabled(azurite);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static void AssertTelemetryDisabled(AzuriteFixture azurite)
    {
        // The watcher and Azurite itself: every process whose command line names this instance's data folder.
        var commandLines = Directory.EnumerateDirectories("/proc")
            .Select(d => Path.Combine(d, "cmdline"))
            .Select(TryRead)
            .Where(c => c is not null && c.Contains(azurite.DataFolder, StringComparison.Ordinal))
            .Select(c => c!.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        Assert.Contains(commandLines, args => args.Any(a => a.EndsWith("azurite.js", StringComparison.Ordinal)));
        Assert.All(commandLines, args =>
        {
            Assert.Contains("--disableTelemetry", args);
            foreach (var host in new[] { "--blobHost", "--queueHost", "--tableHost" })
            {
                Assert.Equal("127.0.0.1", args[Array.IndexOf(args, host) + 1]);
            }
        });
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
