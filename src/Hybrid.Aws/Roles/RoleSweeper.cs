using System.Globalization;
using Hybrid.Aws.Iam;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Aws.Roles;

/// <summary>Which roles the sweeper looks at, and the tag that says when each expires.</summary>
public sealed record RoleSweeperOptions
{
    /// <summary>Only roles under this IAM path are examined (the temporary-role state machine creates them there).</summary>
    public string PathPrefix { get; init; } = "/hybrid/temporary/";

    /// <summary>The tag holding the role's expiry, an ISO 8601 instant such as <c>2026-11-28T23:00:00Z</c>.</summary>
    public string ExpiryTagKey { get; init; } = "hybrid:expires";

    /// <summary>Roles listed per page.</summary>
    public int PageSize { get; init; } = 100;

    /// <exception cref="ArgumentException">A value cannot work.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(PathPrefix) || !PathPrefix.StartsWith('/') || !PathPrefix.EndsWith('/'))
        {
            throw new ArgumentException($"PathPrefix '{PathPrefix}' must begin and end with '/'.", nameof(PathPrefix));
        }

        Check.NotBlank(ExpiryTagKey);
        Check.InRange(PageSize, 1, 1000);
    }
}

/// <summary>What one sweep did. A role another sweeper deleted first counts as <see cref="AlreadyGone"/>.</summary>
public sealed record RoleSweepResult(int Examined, IReadOnlyList<string> Deleted, IReadOnlyList<string> AlreadyGone, IReadOnlyList<string> Failed);

/// <summary>
/// Deletes temporary IAM roles whose expiry tag has passed: their inline policies first, then the role. It is
/// idempotent and safe to run concurrently (on several hosts, or a timer that fires again before the last sweep ended):
/// an entity that is already gone counts as done, and one that changed under it is left for the next sweep. The
/// temporary-role state machine deletes each role itself when its TTL ends; the sweeper is the safety net.
/// </summary>
public sealed class RoleSweeper
{
    private readonly IIamClient _iam;
    private readonly RoleSweeperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RoleSweeper(IIamClient iam, RoleSweeperOptions? options = null, TimeProvider? time = null, ILogger<RoleSweeper>? logger = null)
    {
        _iam = Check.NotNull(iam);
        _options = options ?? new RoleSweeperOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>One sweep over every role under the path. AWS errors on one role are logged and leave it for the next sweep.</summary>
    public async Task<RoleSweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var examined = 0;
        List<string> deleted = [], gone = [], failed = [];
        string? marker = null;
        do
        {
            var page = await _iam.ListRolesAsync(_options.PathPrefix, new IamPaging(marker, _options.PageSize), cancellationToken).ConfigureAwait(false);
            foreach (var role in page.Items)
            {
                examined++;
                try
                {
                    if (await ExpiryAsync(role.RoleName, cancellationToken).ConfigureAwait(false) is not { } expires || expires > now)
                    {
                        continue;
                    }

                    if (await DeleteAsync(role.RoleName, cancellationToken).ConfigureAwait(false))
                    {
                        deleted.Add(role.RoleName);
                        Logs.RoleDeleted(_logger, role.RoleName, expires);
                    }
                    else
                    {
                        gone.Add(role.RoleName);
                    }
                }
                catch (AwsServiceException e) when (e is not AwsAuthenticationException and not AwsAccessDeniedException)
                {
                    failed.Add(role.RoleName);
                    Logs.RoleSweepFailed(_logger, role.RoleName, e.ErrorCode, e.Message);
                }
            }

            marker = page.IsTruncated ? page.Marker : null;
        }
        while (marker is not null);

        return new RoleSweepResult(examined, deleted, gone, failed);
    }

    /// <summary>The role's expiry; null when it has no expiry tag (not a temporary role) or was deleted meanwhile.</summary>
    private async Task<DateTimeOffset?> ExpiryAsync(string roleName, CancellationToken cancellationToken)
    {
        try
        {
            string? marker = null;
            do
            {
                var tags = await _iam.ListRoleTagsAsync(roleName, new IamPaging(marker), cancellationToken).ConfigureAwait(false);
                if (tags.Items.FirstOrDefault(t => string.Equals(t.Key, _options.ExpiryTagKey, StringComparison.OrdinalIgnoreCase)) is { } tag)
                {
                    if (DateTimeOffset.TryParse(tag.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
                    {
                        return expires;
                    }

                    Logs.RoleExpiryUnreadable(_logger, roleName, _options.ExpiryTagKey, tag.Value);
                    return null;
                }

                marker = tags.IsTruncated ? tags.Marker : null;
            }
            while (marker is not null);
            return null;
        }
        catch (NoSuchEntityException)
        {
            return null;
        }
    }

    /// <returns>True when this sweep deleted the role; false when it was already gone.</returns>
    private async Task<bool> DeleteAsync(string roleName, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var policy in (await _iam.ListRolePoliciesAsync(roleName, cancellationToken: cancellationToken).ConfigureAwait(false)).Items)
            {
                try
                {
                    await _iam.DeleteRolePolicyAsync(roleName, policy, cancellationToken).ConfigureAwait(false);
                }
                catch (NoSuchEntityException)
                {
                    // Another sweeper deleted it first.
                }
            }

            await _iam.DeleteRoleAsync(roleName, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NoSuchEntityException)
        {
            return false;
        }
    }
}
