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
}
