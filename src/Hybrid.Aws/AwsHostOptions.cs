using System.Globalization;
using Hybrid.Aws.Bridge;
using Hybrid.Aws.Roles;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Aws;

/// <summary>
/// The AWS side of a host (the <c>Hybrid:Aws</c> section, read the same way by the local host and the Functions app): where AWS is, the Step Functions bridge that serves
/// the <c>states:startExecution</c> Task resources, and the temporary-role sweeper on a cron schedule. Credentials come
/// from AWSSDK's default chain (environment, shared profile, web identity, container, instance), never from this section.
/// </summary>
public sealed record AwsHostOptions
{
    public AwsClientOptions Clients { get; init; } = new();

    public AwsBridgeOptions Bridge { get; init; } = new();

    /// <summary>When set, the role sweeper runs on this cron schedule (UTC, five fields or six with seconds).</summary>
    public string? SweeperCron { get; init; }

    public RoleSweeperOptions Sweeper { get; init; } = new();

    /// <exception cref="ArgumentException">A value cannot work.</exception>
    public void Validate()
    {
        Clients.Validate();
        Bridge.Validate();
        Sweeper.Validate();
    }

    /// <summary>Every key <see cref="FromConfiguration"/> reads, relative to the section.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Region", "Endpoints:StepFunctions", "Endpoints:StepFunctionsSync", "Endpoints:Iam", "Endpoints:Sts",
        "AttemptTimeout", "Retry:MaxAttempts", "Retry:BaseDelay", "Retry:MaxDelay",
        "Bridge:FirstPollInterval", "Bridge:MaxPollInterval", "Bridge:CallerField",
        "Federation:Mode", "Federation:RoleArn", "Federation:DurationSeconds",
        "Sweeper:Cron", "Sweeper:PathPrefix", "Sweeper:ExpiryTagKey",
    ];

    /// <summary>Binds the <c>Aws</c> section; null when the section is absent (the bridge is then not registered).</summary>
    /// <exception cref="FormatException">A value is malformed; the message names its key.</exception>
    public static AwsHostOptions? FromConfiguration(IConfigurationSection section)
    {
        Check.NotNull(section);
        if (!section.Exists())
        {
            return null;
        }

        var read = new Reader(section);
        var defaults = new AwsHostOptions();
        return new AwsHostOptions
        {
            Clients = new AwsClientOptions
            {
                Region = read.Text("Region") ?? defaults.Clients.Region,
                StepFunctionsEndpoint = read.Uri("Endpoints:StepFunctions"),
                StepFunctionsSyncEndpoint = read.Uri("Endpoints:StepFunctionsSync"),
                IamEndpoint = read.Uri("Endpoints:Iam"),
                StsEndpoint = read.Uri("Endpoints:Sts"),
                AttemptTimeout = read.Span("AttemptTimeout", AwsClientOptions.LongestWait) ?? defaults.Clients.AttemptTimeout,
                Retry = new AwsRetryOptions
                {
                    MaxAttempts = read.Int("Retry:MaxAttempts", 1, AwsRetryOptions.MostAttempts) ?? defaults.Clients.Retry.MaxAttempts,
                    BaseDelay = read.Span("Retry:BaseDelay", AwsClientOptions.LongestWait) ?? defaults.Clients.Retry.BaseDelay,
                    MaxDelay = read.Span("Retry:MaxDelay", AwsClientOptions.LongestWait) ?? defaults.Clients.Retry.MaxDelay,
                },
            },
            Bridge = new AwsBridgeOptions
            {
                FirstPollInterval = read.Span("Bridge:FirstPollInterval") ?? defaults.Bridge.FirstPollInterval,
                MaxPollInterval = read.Span("Bridge:MaxPollInterval") ?? defaults.Bridge.MaxPollInterval,
                CallerField = read.Text("Bridge:CallerField") ?? defaults.Bridge.CallerField,
                Federation = new AwsFederationOptions
                {
                    Mode = read.Text("Federation:Mode") is { } mode
                        ? Enum.TryParse<AwsFederationMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                            ? parsed
                            : throw new FormatException($"'{section.Path}:Federation:Mode' ('{mode}') is not known; use None, WebIdentity or AssumeRole.")
                        : AwsFederationMode.None,
                    RoleArn = read.Text("Federation:RoleArn"),
                    DurationSeconds = read.Int("Federation:DurationSeconds", 900, 43200) ?? defaults.Bridge.Federation.DurationSeconds,
                },
            },
            SweeperCron = read.Text("Sweeper:Cron"),
            Sweeper = new RoleSweeperOptions
            {
                PathPrefix = read.Text("Sweeper:PathPrefix") ?? defaults.Sweeper.PathPrefix,
                ExpiryTagKey = read.Text("Sweeper:ExpiryTagKey") ?? defaults.Sweeper.ExpiryTagKey,
            },
        };
    }

    /// <summary>Typed reads of one section, each naming its key when the value is malformed.</summary>
    private sealed class Reader(IConfigurationSection section)
    {
        public string? Text(string key) => section[key] is { Length: > 0 } text ? text : null;

        public Uri? Uri(string key) => Text(key) is not { } text ? null
            : System.Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
            : throw new FormatException($"'{section.Path}:{key}' ('{text}') is not an absolute http(s) URL.");

        public TimeSpan? Span(string key, TimeSpan? max = null) => Text(key) is not { } text ? null
            : !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) || span <= TimeSpan.Zero
                ? throw new FormatException($"'{section.Path}:{key}' ('{text}') is not a positive time span (for example 00:00:05).")
            : span > max
                ? throw new FormatException($"'{section.Path}:{key}' ('{text}') is {span}, longer than the {max} allowed (a bare number counts days: write 00:00:30 for 30 seconds).")
            : span;

        public int? Int(string key, int min = int.MinValue, int max = int.MaxValue) => Text(key) is not { } text ? null
            : !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? throw new FormatException($"'{section.Path}:{key}' ('{text}') is not a whole number.")
            : value < min || value > max
                ? throw new FormatException($"'{section.Path}:{key}' ('{text}') is not between {min} and {max}.")
            : value;
    }
}
