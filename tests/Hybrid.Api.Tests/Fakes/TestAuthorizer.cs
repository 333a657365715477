namespace Hybrid.Api.Tests.Fakes;

/// <summary>An authorizer whose answer a test sets; it records every request it is asked about.</summary>
public sealed class TestAuthorizer : IHybridApiAuthorizer
{
    private readonly Lock _lock = new();
    private readonly List<(HybridApiRoute Route, string? Workflow, string? ExecutionId)> _requests = [];

    public Func<HybridApiRequest, HybridApiAuthorization> Decide { get; set; } = _ => HybridApiAuthorization.Allow();

    public IReadOnlyList<(HybridApiRoute Route, string? Workflow, string? ExecutionId)> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _requests.Clear();
            Decide = _ => HybridApiAuthorization.Allow();
        }
    }

    public ValueTask<HybridApiAuthorization> AuthorizeAsync(HybridApiRequest request)
    {
        lock (_lock)
        {
            _requests.Add((request.Route, request.Workflow, request.ExecutionId));
        }

        return ValueTask.FromResult(Decide(request));
    }
}
