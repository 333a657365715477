using System.CommandLine;
using System.Globalization;
using Hybrid.Aws;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Rotation;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Cli.Commands;

/// <summary>
/// <c>hybrid serve</c>: the local host. Settings come from <c>hybrid.settings.json</c> (in the current folder),
/// then <c>HYBRID__...</c> environment variables, then the command line.
/// </summary>
internal static class ServeCommand
{
    public const string SettingsFile = "hybrid.settings.json";

    public static Command Create(CliConsole console)
    {
        var workflows = new Option<string?>("--workflows") { Description = "Folder of *.asl.json definitions, searched recursively (Hybrid:Workflows; default ./workflows)." };
        var urls = new Option<string?>("--urls") { Description = "Where to listen (Hybrid:Urls; default http://127.0.0.1:5080)." };
        var backend = new Option<string?>("--backend") { Description = "memory (default) or azurite (Azure Storage; Hybrid:Backend)." };
        backend.AcceptOnlyFromAmong("memory", "azurite");
        var connection = new Option<string?>("--connection-string") { Description = "Azure Storage connection string (Hybrid:Storage:ConnectionString; default UseDevelopmentStorage=true)." };
        var taskHub = new Option<string?>("--task-hub") { Description = "Task hub name on Azure Storage (Hybrid:TaskHub; default HybridLocal)." };
        var mocks = new Option<string?>("--mocks") { Description = "Folder (or file) of Step Functions Local *.mock.json files that answer Task states (Hybrid:Mocks)." };
        var testCase = new Option<string?>("--test-case") { Description = "Mock test case to use; a workflow without it uses its first (Hybrid:TestCase)." };
        var skipWaits = new Option<bool>("--skip-waits") { Description = "Wait states and Retry intervals take no time (Hybrid:SkipWaits)." };
        var environment = new Option<string?>("--environment") { Description = "Host environment (Hybrid:Environment; default Development, which trusts the tokens of 'hybrid token')." };
        var command = new Command("serve", "Serves the HTTP API and the workflow graph page on an embedded durable backend.")
        {
            workflows, urls, backend, connection, taskHub, mocks, testCase, skipWaits, environment,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            LocalHostOptions options;
            try
            {
                options = Options(
                    Configuration(),
                    parse.GetValue(workflows),
                    parse.GetValue(urls),
                    parse.GetValue(backend),
                    parse.GetValue(connection),
                    parse.GetValue(taskHub),
                    parse.GetValue(mocks),
                    parse.GetValue(testCase),
                    parse.GetResult(skipWaits) is null ? null : parse.GetValue(skipWaits),
                    parse.GetValue(environment));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                console.Error.WriteLine($"hybrid: configuration: {e.Message}");
                return ExitCodes.BadInput;
            }

            return await ServeAsync(options, console, cancellationToken);
        });
        return command;
    }

    internal static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), SettingsFile), optional: true)
        .AddEnvironmentVariables("HYBRID__")
        .Build();

    /// <summary>Binds the <c>Hybrid</c> section (keys without the section prefix come from HYBRID__ variables) and applies the command line.</summary>
    internal static LocalHostOptions Options(
        IConfiguration configuration,
        string? workflows = null,
        string? urls = null,
        string? backend = null,
        string? connectionString = null,
        string? taskHub = null,
        string? mocks = null,
        string? testCase = null,
        bool? skipWaits = null,
        string? environment = null)
    {
        var section = configuration.GetSection("Hybrid").Exists() ? configuration.GetSection("Hybrid") : configuration;
        var defaults = new LocalHostOptions();
        var backendText = backend ?? section["Backend"];
        var kind = backendText?.ToUpperInvariant() switch
        {
            null or "MEMORY" or "INMEMORY" => DurableBackendKind.InMemory,
            "AZURITE" or "AZURESTORAGE" => DurableBackendKind.AzureStorage,
            _ => throw new FormatException($"Backend '{backendText}' is not known; use memory or azurite."),
        };
        var schedules = new Dictionary<string, ScheduleOptions>(StringComparer.Ordinal);
        foreach (var schedule in section.GetSection("Schedules").GetChildren())
        {
            var cron = schedule["Cron"] ?? throw new FormatException($"Schedule '{schedule.Key}' needs a Cron value.");
            var workflow = schedule["Workflow"] ?? throw new FormatException($"Schedule '{schedule.Key}' needs a Workflow value.");
            schedules[schedule.Key] = new ScheduleOptions(cron, workflow, schedule["Input"]);
        }

        return new LocalHostOptions
        {
            Workflows = workflows ?? section["Workflows"] ?? defaults.Workflows,
            Urls = urls ?? section["Urls"] ?? defaults.Urls,
            Mocks = mocks ?? section["Mocks"],
            TestCase = testCase ?? section["TestCase"],
            SkipWaits = skipWaits ?? section.GetValue<bool?>("SkipWaits") ?? false,
            Schedules = schedules,
            Aws = AwsHostOptions.FromConfiguration(section.GetSection("Aws")),
            Environment = environment ?? section["Environment"] ?? defaults.Environment,
            Identity = section.GetSection("Identity"),
            Rotation = section.GetSection("Rotation").Exists() ? section.GetSection("Rotation").Get<RotationOptions>() : null,
            Backend = new DurableBackendOptions
            {
                Backend = kind,
                ConnectionString = connectionString ?? section["Storage:ConnectionString"] ?? defaults.Backend.ConnectionString,
                TaskHub = taskHub ?? section["TaskHub"] ?? defaults.Backend.TaskHub,
                WorkerId = section["WorkerId"] ?? defaults.Backend.WorkerId,
                SessionIdleTimeout = TimeSpanSetting(section, "SessionIdleTimeout", TimeSpan.FromHours(1), "sessions off", "00:00:30")
                    ?? defaults.Backend.SessionIdleTimeout,
                InMemoryRetention = InMemoryRetention(section, kind) ?? defaults.Backend.InMemoryRetention,
            },
        };
    }

    /// <summary>
    /// A time span setting from <c>00:00:00</c> (which means <paramref name="zero"/>) to <paramref name="max"/>, or null
    /// when unset. The bound also catches a bare number, which <see cref="TimeSpan"/> reads as days.
    /// </summary>
    private static TimeSpan? TimeSpanSetting(IConfiguration section, string key, TimeSpan max, string zero, string example)
    {
        var text = section[key];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) || span < TimeSpan.Zero || span > max)
        {
            throw new FormatException(
                $"'{key}' ('{text}') is not a time span from 00:00:00 ({zero}) to {max.ToString("c", CultureInfo.InvariantCulture)}, for example {example} (a bare number counts days).");
        }

        return span;
    }

    /// <summary>
    /// <c>Hybrid:InMemoryRetention</c>: how long the in-memory backend keeps a closed execution; <c>00:00:00</c> keeps
    /// everything. At most 90 days, Step Functions' own retention. Azure Storage keeps every execution, so any other
    /// value with it is refused rather than silently doing nothing.
    /// </summary>
    private static TimeSpan? InMemoryRetention(IConfiguration section, DurableBackendKind backend)
    {
        var retention = TimeSpanSetting(section, "InMemoryRetention", TimeSpan.FromDays(90), "keep everything", "1.00:00:00");
        if (backend == DurableBackendKind.AzureStorage && retention > TimeSpan.Zero)
        {
            throw new FormatException(
                $"'InMemoryRetention' ('{section["InMemoryRetention"]}') applies to the in-memory backend only; Azure Storage keeps every execution. Remove the key or serve with --backend memory.");
        }

        return retention;
    }

    private static async Task<int> ServeAsync(LocalHostOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = LocalHost.Build(options);
        }
        catch (Exception e) when (e is WorkflowRegistryException or DirectoryNotFoundException or FormatException or ArgumentException)
        {
            console.Error.WriteLine($"hybrid: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (InvalidOperationException e)
        {
            // The Identity configuration (binding, policy rules, issuer settings).
            console.Error.WriteLine($"hybrid: configuration: {e.Message}");
            return ExitCodes.BadInput;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                console.Error.WriteLine($"hybrid: cannot listen on {options.Urls}: {e.Message}");
                return ExitCodes.Failure;
            }

            var count = ((IWorkflowRegistry)app.Services.GetService(typeof(IWorkflowRegistry))!).List().Count;
            console.Out.WriteLine($"Hybrid is serving {count} workflow(s) from {Path.GetFullPath(options.Workflows)} on the {(options.Backend.Backend == DurableBackendKind.InMemory ? "in-memory" : "Azure Storage")} backend.");
            console.Out.WriteLine($"  graph page: {options.Urls.Split(';')[0].TrimEnd('/')}/");
            console.Out.WriteLine($"  HTTP API:   {options.Urls.Split(';')[0].TrimEnd('/')}/api/workflows");
            console.Out.WriteLine(options.Identity is { } identity && identity.GetChildren().Any()
                ? "  identity:   every request and every Task checks the caller's token (Hybrid:Identity)."
                : "  identity:   Development defaults: send 'Authorization: Bearer $(hybrid token --sub alice --groups admins)'.");
            console.Out.WriteLine("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
        }

        return ExitCodes.Success;
    }
}
