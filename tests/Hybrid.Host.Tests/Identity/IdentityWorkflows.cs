namespace Hybrid.Host.Tests.Identity;

/// <summary>The workflows and mock answers of the identity tests.</summary>
internal static class IdentityWorkflows
{
    /// <summary>A Task, then the caller as the workflow sees it (<c>$$.Execution.Principal</c>).</summary>
    public const string Greet = """
        {"StartAt":"Hello","States":{
          "Hello":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.hello","Next":"Echo"},
          "Echo":{"Type":"Pass","Parameters":{"principal.$":"$$.Execution.Principal","hello.$":"$.hello"},"End":true}}}
        """;

    /// <summary>A Wait (during which the token expires or is revoked), then a Task whose identity errors are caught.</summary>
    public const string Expiring = """
        {"StartAt":"Pause","States":{
          "Pause":{"Type":"Wait","Seconds":1,"Next":"Work"},
          "Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"Done",
                  "Catch":[{"ErrorEquals":["Hybrid.TokenExpired","Hybrid.TokenRevoked"],"ResultPath":"$.error","Next":"Caught"}]},
          "Caught":{"Type":"Pass","End":true},
          "Done":{"Type":"Succeed"}}}
        """;

    /// <summary>The same without a Catch, for an execution that waits for re-authentication.</summary>
    public const string ReauthExpiring = """
        {"StartAt":"Pause","States":{
          "Pause":{"Type":"Wait","Seconds":1,"Next":"Work"},
          "Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}
        """;

    /// <summary>A long-running task (<c>.sync</c>), answered by the re-authentication tests' handler, not by a mock.</summary>
    public const string Long = """
        {"StartAt":"Work","States":{
          "Work":{"Type":"Task","Resource":"arn:aws:states:::hybrid-test:job.sync","End":true}}}
        """;

    /// <summary>The same, timing out after 6 seconds.</summary>
    public const string LongTimed = """
        {"StartAt":"Work","States":{
          "Work":{"Type":"Task","Resource":"arn:aws:states:::hybrid-test:job.sync","TimeoutSeconds":6,"End":true}}}
        """;

    /// <summary>Tasks in a Map (sub-orchestrations) and at the top, for the storage scan.</summary>
    public const string Fan = """
        {"StartAt":"Each","States":{
          "Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Item","States":{
            "Item":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"ResultPath":"$.results","Next":"Last"},
          "Last":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}
        """;

    private const string Mocks = """
        {
          "StateMachines": {
            "greet": { "TestCases": { "Default": { "Hello": "Hi" } } },
            "expiring": { "TestCases": { "Default": { "Work": "Worked" } } },
            "reauth-expiring": { "TestCases": { "Default": { "Work": "Worked" } } },
            "fan": { "TestCases": { "Default": { "Item": "Worked", "Last": "Worked" } } }
          },
          "MockedResponses": {
            "Hi": { "0": { "Return": { "greeting": "hi" } } },
            "Worked": { "0-99": { "Return": { "worked": true } } }
          }
        }
        """;

    public static string WriteTo(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "greet.asl.json"), Greet);
        File.WriteAllText(Path.Combine(folder, "expiring.asl.json"), Expiring);
        File.WriteAllText(Path.Combine(folder, "reauth-expiring.asl.json"), ReauthExpiring);
        File.WriteAllText(Path.Combine(folder, "fan.asl.json"), Fan);
        File.WriteAllText(Path.Combine(folder, "long.asl.json"), Long);
        File.WriteAllText(Path.Combine(folder, "reauth-long.asl.json"), Long);
        File.WriteAllText(Path.Combine(folder, "reauth-long-timed.asl.json"), LongTimed);
        File.WriteAllText(Path.Combine(folder, "identity.mock.json"), Mocks);
        return folder;
    }
}
