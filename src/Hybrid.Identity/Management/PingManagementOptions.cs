namespace Hybrid.Identity.Management;

/// <summary>Which Ping management API rotates the app's client secret.</summary>
public enum PingManagementKind
{
    /// <summary>No Ping secret rotation.</summary>
    None,

    /// <summary>PingOne's Platform API: <c>POST {ApiPath}/environments/{env}/applications/{app}/secret</c>.</summary>
    PingOne,

    /// <summary>PingFederate's administrative API: <c>PUT {AdminApi}/oauth/clients/{id}/clientAuth/clientSecret</c>.</summary>
    PingFederate,
}

/// <summary>
/// Where and as whom Hybrid calls the Ping management API to rotate its own client secret. Bound from
/// <c>Hybrid:Rotation:Ping</c>. PingOne is called with a worker application's client-credentials token (the worker needs
/// the <c>applications:update:secret</c> permission on the application); PingFederate's administrative API with an
/// administrator's HTTP Basic credentials.
/// </summary>
public sealed record PingManagementOptions
{
    /// <summary>PingOne keeps a previous secret valid for at most 30 days.</summary>
    public static readonly TimeSpan PingOneMaxGrace = TimeSpan.FromDays(30);

    public PingManagementKind Kind { get; init; }

    /// <summary>PingOne: the API root for the environment's region, such as <c>https://api.pingone.com/v1</c> (or <c>.eu</c>, <c>.ca</c>, <c>.asia</c>).</summary>
    public Uri? ApiPath { get; init; }

    /// <summary>PingOne: the environment id.</summary>
    public string? EnvironmentId { get; init; }

    /// <summary>PingOne: the application whose secret rotates (Hybrid's own client).</summary>
    public string? ApplicationId { get; init; }

    /// <summary>PingOne: the worker's token endpoint, <c>https://auth.pingone.com/{envId}/as/token</c>.</summary>
    public Uri? TokenEndpoint { get; init; }

    /// <summary>PingOne: the worker application that calls the management API.</summary>
    public string? WorkerClientId { get; init; }

    public string? WorkerClientSecret { get; init; }

    /// <summary>PingOne: an optional <c>resource</c> for the worker's token request.</summary>
    public string? TokenResource { get; init; }

    /// <summary>PingFederate: the administrative API root, such as <c>https://pf-admin.example.com:9999/pf-admin-api/v1</c>.</summary>
    public Uri? AdminApi { get; init; }

    /// <summary>PingFederate: the OAuth client whose secret rotates (Hybrid's own client).</summary>
    public string? ClientId { get; init; }

    /// <summary>PingFederate: an administrator allowed to update OAuth clients.</summary>
    public string? AdminUser { get; init; }

    public string? AdminPassword { get; init; }

    /// <summary>Names every setting the chosen kind lacks, and a grace period PingOne cannot keep.</summary>
    /// <param name="section">The configuration section the options came from, for the message.</param>
    /// <param name="grace">How long the previous secret must stay valid.</param>
    /// <exception cref="InvalidOperationException">A setting is missing or out of range.</exception>
    public void Validate(string section, TimeSpan grace)
    {
        var missing = new List<string>();
        void Require(object? value, string name)
        {
            if (value is null or string { Length: 0 } or Uri { IsAbsoluteUri: false })
            {
                missing.Add($"{section}:{name}");
            }
        }

        switch (Kind)
        {
            case PingManagementKind.PingOne:
                Require(ApiPath, nameof(ApiPath));
                Require(EnvironmentId, nameof(EnvironmentId));
                Require(ApplicationId, nameof(ApplicationId));
                Require(TokenEndpoint, nameof(TokenEndpoint));
                Require(WorkerClientId, nameof(WorkerClientId));
                Require(WorkerClientSecret, nameof(WorkerClientSecret));
                if (grace < TimeSpan.FromMinutes(1) || grace > PingOneMaxGrace)
                {
                    throw new InvalidOperationException($"PingOne keeps a previous secret valid for 1 minute to 30 days; the grace period is {grace}.");
                }

                break;
            case PingManagementKind.PingFederate:
                Require(AdminApi, nameof(AdminApi));
                Require(ClientId, nameof(ClientId));
                Require(AdminUser, nameof(AdminUser));
                Require(AdminPassword, nameof(AdminPassword));
                break;
            default:
                return;
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Ping secret rotation ({Kind}) needs {string.Join(", ", missing)} (URLs absolute).");
        }
    }
}

/// <summary>A rotated client secret: the new value, and until when the previous one stays valid.</summary>
public sealed record RotatedClientSecret(string ClientId, string Secret, DateTimeOffset PreviousExpiresAt)
{
    /// <summary>Leaves the secret out, so a log line cannot leak it.</summary>
    public override string ToString() => $"RotatedClientSecret {{ ClientId = {ClientId}, PreviousExpiresAt = {PreviousExpiresAt:O} }}";
}

/// <summary>A management API call Ping refused or answered with something unreadable.</summary>
public sealed class PingManagementException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status, when Ping answered.</summary>
    public int? Status { get; } = status;
}
