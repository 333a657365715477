using Microsoft.DurableTask;

namespace Hybrid.Durable.Rotation;

/// <summary>
/// Rotates Hybrid's keys as one durable orchestration, so a restart in the middle (or during a grace period of days)
/// loses nothing: rolls the Data Protection key ring, rotates the Ping client secret through the management API, and
/// rotates the bridge's AWS access key (create and switch, wait until every instance uses the new key, deactivate the
/// old one, wait the grace period, delete it). Each activity writes its own audit entry. A failed step is retried, then
/// reported, and the steps that do not depend on it still run; the old AWS key is never deactivated unless the switch
/// succeeded. Deterministic: time comes from the context.
/// </summary>
public sealed class KeyRotationOrchestrator : TaskOrchestrator<RotationRun, RotationReport>
{
    private const int Attempts = 3;

    public override async Task<RotationReport> RunAsync(TaskOrchestrationContext context, RotationRun input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var id = context.InstanceId;
        var retry = new TaskOptions(new TaskRetryOptions(new RetryPolicy(Attempts, input.StepRetryInterval, 2.0)));
        var steps = new List<RotationStepResult>();

        if (input.DataProtection)
        {
            steps.Add(await StepAsync(context, retry, RotationNames.RollDataProtectionKey, new RotationStep(id, Lifetime: input.DataProtectionKeyLifetime)));
        }

        if (input.PingSecret)
        {
            steps.Add(await StepAsync(context, retry, RotationNames.RotatePingSecret, new RotationStep(id, Until: context.CurrentUtcDateTime + input.PingGrace)));
        }

        if (input.AwsAccessKey)
        {
            var (switched, error) = await CallAsync<AwsKeySwitch>(context, retry, RotationNames.SwitchAwsKey, new RotationStep(id));
            steps.Add(switched?.Result ?? Failed(RotationNames.SwitchAwsKey, error));
            if (switched is { Result.Succeeded: true, PreviousAccessKeyId: { } previous })
            {
                await context.CreateTimer(context.CurrentUtcDateTime + input.AwsSwitchDelay, CancellationToken.None);
                var deactivated = await StepAsync(context, retry, RotationNames.DeactivateAwsKey, new RotationStep(id, AccessKeyId: previous));
                steps.Add(deactivated);
                if (deactivated.Succeeded)
                {
                    await context.CreateTimer(context.CurrentUtcDateTime + input.AwsKeyGrace, CancellationToken.None);
                    steps.Add(await StepAsync(context, retry, RotationNames.DeleteAwsKey, new RotationStep(id, AccessKeyId: previous)));
                }
            }
        }

        return new RotationReport(steps);
    }

    private static async Task<RotationStepResult> StepAsync(TaskOrchestrationContext context, TaskOptions retry, string activity, RotationStep step)
    {
        var (result, error) = await CallAsync<RotationStepResult>(context, retry, activity, step);
        return result ?? Failed(activity, error);
    }

    /// <summary>Calls an activity with retries; a final failure is data (the activity has audited it), not an exception.</summary>
    private static async Task<(T? Result, string? Error)> CallAsync<T>(TaskOrchestrationContext context, TaskOptions retry, string activity, RotationStep step)
        where T : class
    {
        try
        {
            return (await context.CallActivityAsync<T>(activity, step, retry), null);
        }
        catch (TaskFailedException e)
        {
            return (null, e.FailureDetails.ErrorMessage);
        }
    }

    private static RotationStepResult Failed(string step, string? error) =>
        new(step, RotationStepResult.Failed, $"failed after {Attempts} attempts: {error}");
}
