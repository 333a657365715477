using Hybrid.Identity;
using Hybrid.Identity.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hybrid.Api;

/// <summary>Registers and maps the HTTP API and the graph page for ASP.NET Core minimal APIs (the local host).</summary>
public static class HybridApiEndpoints
{
    /// <summary>
    /// Registers <see cref="HybridApiHandlers"/> and, unless they are registered already, the allow-all
    /// <see cref="IHybridApiAuthorizer"/> and an in-memory <see cref="IAuditLog"/>. The host registers
    /// <c>IExecutionService</c> and <c>IWorkflowRegistry</c>; <see cref="AddHybridApiIdentity"/> checks tokens.
    /// </summary>
    public static IServiceCollection AddHybridApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IHybridApiAuthorizer, AllowAllAuthorizer>();
        services.TryAddSingleton<IAuditLog, InMemoryAuditLog>();
        services.TryAddSingleton<HybridApiHandlers>();
        return services;
    }

    /// <summary>
    /// Checks every request's token: registers the identity layer from <paramref name="section"/> (the <c>Identity</c>
    /// section, see <c>AddHybridIdentity</c>) and <see cref="IdentityApiAuthorizer"/> in place of any other authorizer.
    /// </summary>
    public static IServiceCollection AddHybridApiIdentity(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHybridIdentity(section);
        services.RemoveAll<IHybridApiAuthorizer>();
        services.AddSingleton<IHybridApiAuthorizer, IdentityApiAuthorizer>();
        return services;
    }

    /// <summary>
    /// Maps every route of the API (under <c>/api</c>) and the graph page (<c>/</c> and <c>/ui/{file}</c>) to the
    /// handlers. The returned builder applies conventions (host filters, rate limits) to all of them.
    /// </summary>
    public static IEndpointConventionBuilder MapHybridApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("");
        group.MapGet("/", (HttpContext c, HybridApiHandlers h) => h.GetPageAsync(c));
        group.MapGet("/ui/{file}", (HttpContext c, HybridApiHandlers h, string file) => h.GetPageAssetAsync(c, file));

        var api = group.MapGroup(HybridApiHandlers.ApiPrefix);
        api.MapGet("/workflows", (HttpContext c, HybridApiHandlers h) => h.ListWorkflowsAsync(c));
        api.MapGet("/workflows/{name}", (HttpContext c, HybridApiHandlers h, string name) => h.DescribeWorkflowAsync(c, name));
        api.MapPost("/workflows/{name}/executions", (HttpContext c, HybridApiHandlers h, string name) => h.StartExecutionAsync(c, name));
        api.MapGet("/executions", (HttpContext c, HybridApiHandlers h) => h.ListExecutionsAsync(c));
        api.MapGet("/executions/{id}", (HttpContext c, HybridApiHandlers h, string id) => h.DescribeExecutionAsync(c, id));
        api.MapGet("/executions/{id}/history", (HttpContext c, HybridApiHandlers h, string id) => h.GetExecutionHistoryAsync(c, id));
        api.MapPost("/executions/{id}/stop", (HttpContext c, HybridApiHandlers h, string id) => h.StopExecutionAsync(c, id));
        api.MapPost("/executions/{id}/token", (HttpContext c, HybridApiHandlers h, string id) => h.SubmitTokenAsync(c, id));
        api.MapGet("/executions/{id}/audit", (HttpContext c, HybridApiHandlers h, string id) => h.GetExecutionAuditAsync(c, id));
        api.MapPost("/tasks/success", (HttpContext c, HybridApiHandlers h) => h.SendTaskSuccessAsync(c));
        api.MapPost("/tasks/failure", (HttpContext c, HybridApiHandlers h) => h.SendTaskFailureAsync(c));
        api.MapPost("/tasks/heartbeat", (HttpContext c, HybridApiHandlers h) => h.SendTaskHeartbeatAsync(c));
        return group;
    }
}
