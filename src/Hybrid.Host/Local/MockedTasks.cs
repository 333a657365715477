using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
using Microsoft.DurableTask.Client;

namespace Hybrid.Host.Local;

/// <summary>
/// Answers Task states from Step Functions Local mock files for <c>hybrid serve</c>: each execution of a workflow
/// gets its own invocation counters for the workflow's test case, kept until the execution has ended
/// (<see cref="ForgetEndedAsync"/>, which the host runs on <see cref="SweepCron"/>).
/// </summary>
public sealed class MockedTasks : IDispatchMiddleware
{
    /// <summary>How often the host drops the counters of ended executions: every minute.</summary>
    public const string SweepCron = "* * * * *";

    private readonly Dictionary<string, (MockConfig Config, string TestCase)> _byWorkflow = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MockedTaskResponses> _perExecution = new(StringComparer.Ordinal);

    /// <summary>Loads every <c>*.mock.json</c> below <paramref name="folder"/>.</summary>
    /// <exception cref="FormatException">A mock file is malformed, or names a test case it lacks.</exception>
    public static MockedTasks Load(string folder, string? testCase)
    {
        var mocks = new MockedTasks();
        IEnumerable<string> files = File.Exists(folder) ? [folder] : Directory.EnumerateFiles(folder, "*.mock.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            MockConfig config;
            try
            {
                config = MockConfig.Parse(File.ReadAllText(file));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{file}: {e.Message}", e);
            }

            foreach (var workflow in config.StateMachineNames)
            {
                var cases = config.TestCaseNames(workflow);
                var chosen = testCase is not null && cases.Contains(testCase) ? testCase : cases.FirstOrDefault();
                if (chosen is not null)
                {
                    mocks._byWorkflow[workflow] = (config, chosen);
                }
            }
        }

        return mocks;
    }

    public ValueTask<JsonNode?> InvokeAsync(DispatchContext context, Func<ValueTask<JsonNode?>> next, CancellationToken cancellationToken)
    {
        if (_byWorkflow.TryGetValue(context.Request.Workflow, out var entry))
        {
            var responses = _perExecution.GetOrAdd(context.Request.ExecutionId, _ => entry.Config.TestCase(context.Request.Workflow, entry.TestCase));
            if (responses.Handles(context.Request.StateName))
            {
                context.CompletesTask = true;
                return ValueTask.FromResult(responses.Answer(context.Request.StateName));
            }
        }

        return next();
    }

    /// <summary>How many executions hold invocation counters.</summary>
    internal int ExecutionCount => _perExecution.Count;

    /// <summary>
    /// Drops the invocation counters of every execution that has ended (succeeded, failed, timed out or stopped) or no
    /// longer exists. Only those can call no Task again: an execution that runs, waits (a timer, a task token, a fresh
    /// token), retries, has continued as new, or still has branches or Map iterations at work keeps its counters, so its
    /// next invocation of a state gets the next answer. Its branches and iterations share the execution's id.
    /// </summary>
    internal async Task ForgetEndedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        foreach (var executionId in _perExecution.Keys)
        {
            var instance = await client.GetInstanceAsync(executionId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            if (instance is null or { IsCompleted: true })
            {
                _perExecution.TryRemove(executionId, out _);
            }
        }
    }
}
