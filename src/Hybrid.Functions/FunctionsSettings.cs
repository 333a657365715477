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

    public const string DefaultWorkflows = "workflows";

    public const string DefaultHistoryTable = "HybridHubEvents";
}
