using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Durable.Orchestration;
using Hybrid.Identity;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Sealing;
using Hybrid.Identity.Tokens;

namespace Hybrid.Durable.Dispatch;

/// <summary>
/// Checks the caller's token again before any Task handler runs (register it before every other middleware): unseals
/// the execution's token, then asks the <see cref="IdentityGate"/> whether its principal may still run the workflow
/// (<see cref="WorkflowAction.Start"/>, in flight). Every check is audited with the workflow, execution, state,
/// resource, decision, reason and a correlation id. A refusal fails the task with the gate's ASL error
/// (<c>Hybrid.TokenExpired</c>, <c>Hybrid.TokenRevoked</c>, ...), which the state machine can catch.
/// </summary>
public sealed class IdentityDispatchMiddleware(IdentityGate gate, ITokenSealer sealer) : IDispatchMiddleware
{
    public async ValueTask<JsonNode?> InvokeAsync(DispatchContext context, Func<ValueTask<JsonNode?>> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var r = context.Request;
        var request = new AccessRequest
        {
            Action = WorkflowAction.Start,
            Workflow = r.Workflow,
            ExecutionId = r.ExecutionId,
            State = r.StateName,
            Resource = r.Resource,
            CorrelationId = $"{r.ExecutionId}/{r.StateName}/{r.Attempt}",
            InFlight = true,
        };

        AccessOutcome outcome;
        if (r.Phase?.Kind == TaskPhase.Stopping)
        {
            // Stopping a long-running task (a timeout, or its execution was stopped) only takes access away: it goes
            // ahead whatever the token says now, and is audited like every other dispatch.
            outcome = await gate.RecordAsync(request, null, "stopping a long-running task needs no fresh token", cancellationToken);
        }
        else if (r.SealedToken is null)
        {
            // Only the host itself (a schedule) starts an execution with no caller; one with a caller always has a token.
            outcome = r.Subject is null
                ? await gate.RecordAsync(request, null, "the execution was started by the host itself (a schedule), with no caller token to check", cancellationToken)
                : await gate.RecordAsync(request, new TokenFailure(TokenFailureCategory.Invalid, $"the execution runs for '{r.Subject}' but holds no token"), cancellationToken: cancellationToken);
        }
        else if (!sealer.TryUnseal(r.SealedToken, r.ExecutionId, out var token))
        {
            outcome = await gate.RecordAsync(
                request,
                new TokenFailure(TokenFailureCategory.Invalid, "the execution's sealed token cannot be unsealed (the Data Protection key ring is missing or was replaced)"),
                cancellationToken: cancellationToken);
        }
        else
        {
            outcome = await gate.AuthorizeAsync(token, request, cancellationToken);
        }

        if (!outcome.IsAllowed)
        {
            throw new AslException(outcome.AslError ?? IdentityErrors.AccessDenied, outcome.Reason);
        }

        return await next();
    }
}
