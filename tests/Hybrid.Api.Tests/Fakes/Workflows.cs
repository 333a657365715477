namespace Hybrid.Api.Tests.Fakes;

/// <summary>The definitions the tests serve.</summary>
public static class Workflows
{
    public const string Hello = """
        {
          "Comment": "Says hello.",
          "StartAt": "Greet",
          "States": {
            "Greet": { "Type": "Pass", "Result": "hello", "Next": "Done" },
            "Done": { "Type": "Succeed" }
          }
        }
        """;

    /// <summary>Every kind of transition: Next, Choice rules and Default, Catch, a Parallel, a Map, a loop, Succeed and Fail.</summary>
    public const string Orders = """
        {
          "Comment": "Routes an order.",
          "StartAt": "Validate",
          "States": {
            "Validate": { "Type": "Pass", "Next": "Route" },
            "Route": {
              "Type": "Choice",
              "Choices": [ { "Variable": "$.kind", "StringEquals": "bulk", "Next": "Fanout" } ],
              "Default": "Process"
            },
            "Fanout": {
              "Type": "Parallel",
              "Branches": [
                { "StartAt": "Reserve", "States": { "Reserve": { "Type": "Task", "Resource": "arn:aws:states:::hybrid:echo", "End": true } } },
                { "StartAt": "Bill", "States": { "Bill": { "Type": "Task", "Resource": "arn:aws:states:::hybrid:echo", "End": true } } }
              ],
              "Catch": [ { "ErrorEquals": [ "States.ALL" ], "Next": "Cleanup" } ],
              "Next": "Notify"
            },
            "Process": {
              "Type": "Map",
              "ItemsPath": "$.items",
              "ItemProcessor": {
                "StartAt": "Ship",
                "States": { "Ship": { "Type": "Task", "Resource": "arn:aws:states:::hybrid:echo", "End": true } }
              },
              "Next": "Notify"
            },
            "Notify": {
              "Type": "Task",
              "Resource": "arn:aws:states:::hybrid:echo",
              "Retry": [ { "ErrorEquals": [ "States.TaskFailed" ], "MaxAttempts": 2 } ],
              "Next": "Done"
            },
            "Cleanup": { "Type": "Pass", "Next": "Abort" },
            "Abort": { "Type": "Fail", "Error": "Order.Failed", "Cause": "A branch failed." },
            "Done": { "Type": "Succeed" }
          }
        }
        """;

    /// <summary>A polling loop (a Choice back to a Wait) and a Map nested in a Parallel branch.</summary>
    public const string Polling = """
        {
          "StartAt": "Submit",
          "States": {
            "Submit": { "Type": "Task", "Resource": "arn:aws:states:::hybrid:echo", "Next": "Pause" },
            "Pause": { "Type": "Wait", "Seconds": 5, "Next": "Check" },
            "Check": { "Type": "Task", "Resource": "arn:aws:states:::hybrid:echo", "Next": "Finished?" },
            "Finished?": {
              "Type": "Choice",
              "Choices": [
                { "Variable": "$.status", "StringEquals": "DONE", "Next": "Publish" },
                { "Variable": "$.status", "StringEquals": "FAILED", "Next": "Gave up" }
              ],
              "Default": "Pause"
            },
            "Publish": {
              "Type": "Parallel",
              "Branches": [
                {
                  "StartAt": "Each region",
                  "States": {
                    "Each region": {
                      "Type": "Map",
                      "ItemProcessor": { "StartAt": "Copy", "States": { "Copy": { "Type": "Pass", "End": true } } },
                      "End": true
                    }
                  }
                },
                { "StartAt": "Announce", "States": { "Announce": { "Type": "Pass", "Next": "Archive" }, "Archive": { "Type": "Pass", "End": true } } }
              ],
              "End": true
            },
            "Gave up": { "Type": "Fail", "Error": "Polling.Failed" }
          }
        }
        """;
}
