namespace Hybrid.Api;

/// <summary>What a request asks for; handed to the <see cref="IHybridApiAuthorizer"/> so a policy can tell the routes apart.</summary>
public enum HybridApiRoute
{
    /// <summary>GET / and its assets: the workflow graph page.</summary>
    Page,

    /// <summary>GET /api/workflows.</summary>
    ListWorkflows,

    /// <summary>GET /api/workflows/{name}.</summary>
    DescribeWorkflow,

    /// <summary>POST /api/workflows/{name}/executions.</summary>
    StartExecution,

    /// <summary>GET /api/executions.</summary>
    ListExecutions,

    /// <summary>GET /api/executions/{id}.</summary>
    DescribeExecution,

    /// <summary>GET /api/executions/{id}/history.</summary>
    GetExecutionHistory,

    /// <summary>POST /api/executions/{id}/stop.</summary>
    StopExecution,

    /// <summary>POST /api/tasks/success.</summary>
    SendTaskSuccess,

    /// <summary>POST /api/tasks/failure.</summary>
    SendTaskFailure,

    /// <summary>POST /api/tasks/heartbeat.</summary>
    SendTaskHeartbeat,

    /// <summary>POST /api/executions/{id}/token: the execution's caller hands in a fresh token.</summary>
    SubmitToken,

    /// <summary>GET /api/executions/{id}/audit.</summary>
    GetExecutionAudit,
}
