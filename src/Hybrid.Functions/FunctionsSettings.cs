namespace Hybrid.Functions;

/// <summary>
/// Every configuration key the Functions app reads, in one place: <c>local.settings.sample.json</c> must list each of
/// them (a test checks it). In app settings and <c>local.settings.json</c> a key's <c>:</c> is written <c>__</c>.
/// </summary>
public static class FunctionsSettings
{
    /// <summary>The storage account of the Durable task hub; also holds the Step Functions-style histories.</summary>
    public const string Storage = "AzureWebJobsStorage";

    /// <summary>The folder of <c>*.asl.json</c> definitions, relative to the app's folder. Default <c>workflows</c>.</summary>
    public const string Workflows = "Hybrid:Workflows";

    /// <summary>The table of execution histories. Default <c>HybridHubEvents</c> (the task hub's name plus <c>Events</c>).</summary>
    public const string HistoryTable = "Hybrid:HistoryTable";

    /// <summary>
    /// The key rotation's timer schedule, NCRONTAB with seconds (UTC); the rest of <c>Hybrid:Rotation</c> binds to
    /// <c>RotationOptions</c> (and its <c>Ping</c> section to <c>PingManagementOptions</c>).
    /// </summary>
    public const string RotationSchedule = "Hybrid:Rotation:Schedule";

    /// <summary>
    /// The AWS side, in the local host's spelling and read by the same code (<c>AwsHostOptions.FromConfiguration</c>,
    /// whose <c>Keys</c> lists every key): the region, endpoint overrides (empty: AWS's public endpoints), the bridge
    /// (federation included) and the sweeper. Credentials never come from this section: AWSSDK.Core's default chain
    /// finds them (on Azure, the app settings <c>AWS_ACCESS_KEY_ID</c> and <c>AWS_SECRET_ACCESS_KEY</c>) until a
    /// rotation stores a key.
    /// </summary>
    public const string Aws = "Hybrid:Aws";

    /// <summary>The temporary-role sweeper's timer schedule, NCRONTAB with seconds (UTC).</summary>
    public const string AwsSweeperCron = "Hybrid:Aws:Sweeper:Cron";

    /// <summary>
    /// The identity layer's section (Ping issuer, audiences, introspection, access policy), bound as on the local host:
    /// see docs/identity.md. Required.
    /// </summary>
    public const string Identity = "Identity";

    public const string DefaultWorkflows = "workflows";

    public const string DefaultHistoryTable = "HybridHubEvents";
}
