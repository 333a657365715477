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

    /// <summary>The AWS region of Step Functions and STS.</summary>
    public const string AwsRegion = "Hybrid:Aws:Region";

    /// <summary>Endpoint overrides (empty: AWS's public endpoints).</summary>
    public const string AwsIamEndpoint = "Hybrid:Aws:IamEndpoint";

    public const string AwsStepFunctionsEndpoint = "Hybrid:Aws:StepFunctionsEndpoint";

    public const string AwsStepFunctionsSyncEndpoint = "Hybrid:Aws:StepFunctionsSyncEndpoint";

    public const string AwsStsEndpoint = "Hybrid:Aws:StsEndpoint";

    /// <summary>
    /// The bridge's AWS access key until a rotation has stored one (a Key Vault reference on Azure). Empty: AWSSDK.Core's
    /// default chain.
    /// </summary>
    public const string AwsAccessKeyId = "Hybrid:Aws:AccessKeyId";

    public const string AwsSecretAccessKey = "Hybrid:Aws:SecretAccessKey";

    public const string DefaultWorkflows = "workflows";

    public const string DefaultHistoryTable = "HybridHubEvents";
}
