using System.Text.Json.Nodes;
using Hybrid.Asl.Running;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// The entry point of this assembly when the crash-recovery test runs it as a child process:
/// <c>dotnet Hybrid.Durable.Tests.dll asl-crash-host &lt;connection&gt; &lt;task hub&gt; &lt;worker id&gt; &lt;side-effect file&gt; &lt;workflows&gt; &lt;url&gt;</c>.
/// It is the real local host (<c>hybrid serve</c>) on Azure Storage, with a handler that appends one line per
/// task invocation to the side-effect file; it prints <see cref="ReadyLine"/>, and runs until killed or its input closes.
/// </summary>
public static class AslCrashHost
{
    public const string Mode = "asl-crash-host";
    public const string ReadyLine = "ASL HOST READY";

    /// <summary>A Task, a 15-second Wait, a Task.</summary>
    public const string WaitWorkflow = """
        {"StartAt":"Before","States":{
          "Before":{"Type":"Task","Resource":"arn:hybrid:record","Next":"Nap"},
          "Nap":{"Type":"Wait","Seconds":15,"Next":"After"},
          "After":{"Type":"Task","Resource":"arn:hybrid:record","End":true}}}
        """;

    /// <summary>A Map of 12 items, 3 at a time, each a Task, an 8-second Wait and a Task.</summary>
    public const string MapWorkflow = """
        {"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":3,
          "ItemSelector":{"index.$":"$$.Map.Item.Index"},
          "ItemProcessor":{"StartAt":"Start","States":{
            "Start":{"Type":"Task","Resource":"arn:hybrid:record","Next":"Pause"},
            "Pause":{"Type":"Wait","Seconds":8,"Next":"Finish"},
            "Finish":{"Type":"Task","Resource":"arn:hybrid:record","End":true}}},
          "End":true}}}
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args is not [Mode, var connectionString, var taskHub, var workerId, var sideEffects, var workflows, var url])
        {
            await Console.Error.WriteLineAsync($"usage: {Mode} <connection string> <task hub> <worker id> <side-effect file> <workflows folder> <url>");
            return 2;
        }

        var handlers = new TaskHandlerRegistry().Register("arn:hybrid:record", (invocation, _) =>
        {
            var line = $"{invocation.Context["Execution"]!["Name"]}|{invocation.StateName}|{invocation.Input?["index"]?.ToJsonString() ?? "-"}|{invocation.Attempt}";
            lock (Lock)
            {
                File.AppendAllLines(sideEffects, [line]);
            }

            return ValueTask.FromResult<JsonNode?>(invocation.Input?.DeepClone());
        });
        var options = new LocalHostOptions
        {
            Workflows = workflows,
            Urls = url,
            Backend = new DurableBackendOptions { Backend = DurableBackendKind.AzureStorage, ConnectionString = connectionString, TaskHub = taskHub, WorkerId = workerId },

            // The development issuer's key lives beside the workflows, where the test mints its token.
            Identity = LocalHost.DevelopmentIdentity(workflows),
        };
        await using var app = LocalHost.Build(options, builder => builder.Services.Replace(ServiceDescriptor.Singleton(handlers)));
        await app.StartAsync();
        Console.WriteLine(ReadyLine);
        var stdinClosed = Task.Run(async () => await Console.In.ReadToEndAsync());
        await Task.WhenAny(stdinClosed, Task.Delay(TimeSpan.FromMinutes(5)));
        await app.StopAsync();
        return 0;
    }

    private static readonly Lock Lock = new();
}
