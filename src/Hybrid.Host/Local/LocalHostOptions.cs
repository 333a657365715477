using Hybrid.Aws;
using Hybrid.Durable.Rotation;
using Hybrid.Host.Backends;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Host.Local;

/// <summary>
/// Settings of the local host (<c>hybrid serve</c>), bound from the <c>Hybrid</c> configuration section
/// (<c>appsettings.json</c>, <c>HYBRID__...</c> environment variables) and overridden by command-line options.
/// </summary>
public sealed record LocalHostOptions
{
    /// <summary>The folder of <c>*.asl.json</c> definitions (searched recursively); the file name is the workflow name.</summary>
    public string Workflows { get; init; } = "workflows";

    /// <summary>Where the HTTP API and the graph page listen.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The durable backend: in memory (default) or Azure Storage.</summary>
    public DurableBackendOptions Backend { get; init; } = new();

    /// <summary>Step Functions Local mock files (<c>*.mock.json</c>, in this folder, searched recursively) that answer Task states.</summary>
    public string? Mocks { get; init; }

    /// <summary>The mock test case to use; a workflow without it uses its first test case.</summary>
    public string? TestCase { get; init; }

    /// <summary>Wait states and Retry intervals take no time.</summary>
    public bool SkipWaits { get; init; }

    /// <summary>The AWS bridge and the role sweeper; null leaves them out.</summary>
    public AwsHostOptions? Aws { get; init; }

    /// <summary>
    /// The host environment (default <c>Development</c>, as befits a local host). Only in Development is the local
    /// development issuer trusted, and only there may <see cref="Identity"/> be left out.
    /// </summary>
    public string Environment { get; init; } = "Development";

    /// <summary>
    /// The <c>Identity</c> section (Ping issuer, audiences, access policy, re-authentication; see docs/identity.md).
    /// Null or empty: the embedded defaults of <see cref="LocalHost.DevelopmentIdentity"/>, in Development only.
    /// </summary>
    public IConfiguration? Identity { get; init; }

    /// <summary>The key rotation (the <c>Hybrid:Rotation</c> section, as in the Functions app) on its schedule; null leaves it out. Needs the Azure Storage backend.</summary>
    public RotationOptions? Rotation { get; init; }

    /// <summary>Scheduled starts, by name: a cron expression, a workflow and an input.</summary>
    public IReadOnlyDictionary<string, ScheduleOptions> Schedules { get; init; } = new Dictionary<string, ScheduleOptions>();
}

/// <summary>One scheduled start: the hosted-service equivalent of a Functions timer trigger.</summary>
/// <param name="Cron">A cron expression (five fields, or six with seconds), in UTC.</param>
/// <param name="Workflow">The workflow to start.</param>
/// <param name="Input">The execution input, as JSON text.</param>
public sealed record ScheduleOptions(string Cron, string Workflow, string? Input = null);
