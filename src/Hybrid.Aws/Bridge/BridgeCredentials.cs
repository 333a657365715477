using System.Text;
using Amazon.Runtime;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.Sts;

namespace Hybrid.Aws.Bridge;

/// <summary>
/// The Step Functions client a bridge call uses: the clients' own, or one signed with an STS session for the caller
/// (federation). Sessions are cached per role and subject until shortly before they expire.
/// </summary>
internal sealed class BridgeCredentials(AwsClients aws, AwsFederationOptions options, Func<string, string, string?>? unseal, TimeProvider time)
{
    /// <summary>The error of a call that could not get credentials for its caller.</summary>
    public const string FederationFailed = "Hybrid.Aws.FederationFailed";

    private readonly Dictionary<string, (IStepFunctionsClient Client, DateTimeOffset Renew)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async ValueTask<IStepFunctionsClient> ClientForAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var taskRole = invocation.Credentials?["RoleArn"]?.GetValue<string>();
        var mode = options.Mode == AwsFederationMode.None && taskRole is not null ? AwsFederationMode.AssumeRole : options.Mode;
        if (mode == AwsFederationMode.None)
        {
            return aws.StepFunctions;
        }

        var roleArn = taskRole ?? options.RoleArn!;
        var subject = invocation.Scope?.Subject;
        var key = $"{mode}|{roleArn}|{subject}";
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_sessions.TryGetValue(key, out var cached) && cached.Renew > now)
            {
                return cached.Client;
            }
        }

        var credentials = await AssumeAsync(mode, roleArn, subject, invocation, cancellationToken).ConfigureAwait(false);
        var client = aws.StepFunctionsWith(new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken));
        lock (_gate)
        {
            foreach (var stale in _sessions.Where(s => s.Value.Renew <= now).Select(s => s.Key).ToList())
            {
                _sessions.Remove(stale);
            }

            _sessions[key] = (client, credentials.Expiration - options.RefreshBefore);
        }

        return client;
    }

    private async Task<SessionCredentials> AssumeAsync(AwsFederationMode mode, string roleArn, string? subject, TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var sessionName = StsName(subject ?? "hybrid");
        try
        {
            if (mode == AwsFederationMode.WebIdentity)
            {
                var scope = invocation.Scope;
                if (scope?.SealedToken is not { } sealedToken || subject is null)
                {
                    throw new AslException(FederationFailed, $"Task '{invocation.StateName}': federation with AssumeRoleWithWebIdentity needs the caller's token, and this execution has no caller (start it through the HTTP API with a Ping token).");
                }

                if (unseal is null)
                {
                    throw new AslException(FederationFailed, $"Task '{invocation.StateName}': federation with AssumeRoleWithWebIdentity needs the host's token sealer to unseal the caller's token, and this host has none (register Hybrid.Identity).");
                }

                var token = unseal(sealedToken, scope.ExecutionId)
                    ?? throw new AslException(FederationFailed, $"Task '{invocation.StateName}': the caller's sealed token could not be unsealed (its key is gone, or it was sealed for another execution).");
                var assumed = await aws.Sts.AssumeRoleWithWebIdentityAsync(
                    new AssumeRoleWithWebIdentityRequest(roleArn, sessionName, token, options.DurationSeconds), cancellationToken).ConfigureAwait(false);
                return assumed.Credentials;
            }

            var chained = await aws.Sts.AssumeRoleAsync(new AssumeRoleRequest(
                roleArn,
                sessionName,
                SourceIdentity: subject is null ? null : StsName(subject),
                Tags: subject is null ? null : [new AwsTag(options.SubjectTagKey, TagValue(subject))],
                DurationSeconds: options.DurationSeconds), cancellationToken).ConfigureAwait(false);
            return chained.Credentials;
        }
        catch (AwsException e)
        {
            throw new AslException(FederationFailed, $"Task '{invocation.StateName}': could not assume {roleArn} for '{subject}' ({mode}): {e.Message}");
        }
    }

    /// <summary>RoleSessionName and SourceIdentity: 2-64 characters of <c>[\w+=,.@-]</c>.</summary>
    internal static string StsName(string value)
    {
        var builder = new StringBuilder(64);
        foreach (var c in value)
        {
            if (builder.Length == 64)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) || "_+=,.@-".Contains(c, StringComparison.Ordinal) ? c : '-');
        }

        return builder.Length < 2 ? builder.Append('-', 2 - builder.Length).ToString() : builder.ToString();
    }

    /// <summary>A session tag value: at most 256 characters of letters, digits, spaces and <c>_ . : / = + - @</c>.</summary>
    private static string TagValue(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 256));
        foreach (var c in value.Take(256))
        {
            builder.Append(char.IsLetterOrDigit(c) || " _.:/=+-@".Contains(c, StringComparison.Ordinal) ? c : '_');
        }

        return builder.ToString();
    }
}
