using Hybrid.Api;
using Hybrid.Durable.Executions;
using Hybrid.Identity.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Hybrid.Functions;

/// <summary>
/// The HTTP API as HTTP triggers (ASP.NET Core integration). Each trigger only routes: it hands the request to the
/// same <see cref="HybridApiHandlers"/> method the local host maps, so the contract (validation, problems, status codes,
/// authorization through <see cref="IHybridApiAuthorizer"/>) is written once, in <c>Hybrid.Api</c>. Routes sit under
/// host.json's <c>routePrefix</c>, <c>api</c>, so the paths are the local host's. Authorization is the API's own
/// (anonymous at the Functions level), as on the local host.
/// </summary>
public sealed class HttpFunctions(IExecutionServiceFactory executions, IWorkflowRegistry workflows, IHybridApiAuthorizer authorizer, IAuditLog audit, ILogger<HybridApiHandlers> logger)
{
    [Function("Api-ListWorkflows")]
    public Task<IResult> ListWorkflows(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        Handlers(client).ListWorkflowsAsync(Check.NotNull(request).HttpContext);

    [Function("Api-DescribeWorkflow")]
    public Task<IResult> DescribeWorkflow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workflows/{name}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string name) =>
        Handlers(client).DescribeWorkflowAsync(Check.NotNull(request).HttpContext, name);

    [Function("Api-StartExecution")]
    public Task<IResult> StartExecution(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/{name}/executions")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string name) =>
        Handlers(client).StartExecutionAsync(Check.NotNull(request).HttpContext, name);

    [Function("Api-ListExecutions")]
    public Task<IResult> ListExecutions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "executions")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        Handlers(client).ListExecutionsAsync(Check.NotNull(request).HttpContext);

    [Function("Api-DescribeExecution")]
    public Task<IResult> DescribeExecution(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "executions/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        Handlers(client).DescribeExecutionAsync(Check.NotNull(request).HttpContext, id);

    [Function("Api-GetExecutionHistory")]
    public Task<IResult> GetExecutionHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "executions/{id}/history")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        Handlers(client).GetExecutionHistoryAsync(Check.NotNull(request).HttpContext, id);

    [Function("Api-StopExecution")]
    public Task<IResult> StopExecution(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "executions/{id}/stop")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        Handlers(client).StopExecutionAsync(Check.NotNull(request).HttpContext, id);

    [Function("Api-SubmitToken")]
    public Task<IResult> SubmitToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "executions/{id}/token")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        Handlers(client).SubmitTokenAsync(Check.NotNull(request).HttpContext, id);

    [Function("Api-GetExecutionAudit")]
    public Task<IResult> GetExecutionAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "executions/{id}/audit")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        Handlers(client).GetExecutionAuditAsync(Check.NotNull(request).HttpContext, id);

    [Function("Api-SendTaskSuccess")]
    public Task<IResult> SendTaskSuccess(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tasks/success")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        Handlers(client).SendTaskSuccessAsync(Check.NotNull(request).HttpContext);

    [Function("Api-SendTaskFailure")]
    public Task<IResult> SendTaskFailure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tasks/failure")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        Handlers(client).SendTaskFailureAsync(Check.NotNull(request).HttpContext);

    [Function("Api-SendTaskHeartbeat")]
    public Task<IResult> SendTaskHeartbeat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tasks/heartbeat")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        Handlers(client).SendTaskHeartbeatAsync(Check.NotNull(request).HttpContext);

    /// <summary>
    /// The handlers over this invocation's client: the Functions host hands each invocation a Durable client through
    /// the binding, so the execution service is made per request (it holds no state worth sharing).
    /// </summary>
    private HybridApiHandlers Handlers(DurableTaskClient client) => new(executions.Create(client), workflows, authorizer, audit, logger);
}

/// <summary>Makes the execution service over the Durable client of one invocation.</summary>
public interface IExecutionServiceFactory
{
    IExecutionService Create(DurableTaskClient client);
}
