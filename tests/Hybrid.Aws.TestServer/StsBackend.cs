using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Aws.TestServer;

/// <summary>A session STS issued; its keys sign requests to this server until they expire.</summary>
public sealed record StsSession(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string RoleArn,
    string RoleSessionName,
    string? SourceIdentity,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<string> TransitiveTagKeys,
    string? WebIdentitySubject,
    bool Chained);

/// <summary>What the test says a web identity token stands for.</summary>
public sealed record WebIdentity(string Subject, string Audience, string Provider, bool Expired = false);

/// <summary>STS state: AssumeRole (tags, source identity, role chaining) and AssumeRoleWithWebIdentity for tokens the test registers.</summary>
public sealed class StsBackend
{
    private readonly Lock _gate = new();
    private readonly List<StsSession> _sessions = [];
    private readonly Dictionary<string, WebIdentity> _tokens = new(StringComparer.Ordinal);
    private readonly IamBackend _iam;
    private readonly TimeProvider _time;
    private readonly string _account;

    internal StsBackend(IamBackend iam, TimeProvider time, string account)
    {
        _iam = iam;
        _time = time;
        _account = account;
    }

    public IReadOnlyList<StsSession> Sessions
    {
        get
        {
            lock (_gate)
            {
                return [.. _sessions];
            }
        }
    }

    /// <summary>Makes AssumeRoleWithWebIdentity accept <paramref name="token"/> as <paramref name="identity"/>.</summary>
    public void AcceptWebIdentityToken(string token, WebIdentity identity)
    {
        lock (_gate)
        {
            _tokens[token] = identity;
        }
    }

    /// <summary>The session of a key, expired or not.</summary>
    internal StsSession? Session(string accessKeyId)
    {
        lock (_gate)
        {
            return _sessions.FirstOrDefault(s => s.AccessKeyId == accessKeyId);
        }
    }

    internal StsSession? ActiveSession(string accessKeyId)
    {
        lock (_gate)
        {
            return _sessions.FirstOrDefault(s => s.AccessKeyId == accessKeyId && s.Expiration > _time.GetUtcNow());
        }
    }

    internal JsonObject Handle(string operation, JsonObject input, string? callerKey) => operation switch
    {
        "AssumeRole" => AssumeRole(input, callerKey),
        "AssumeRoleWithWebIdentity" => AssumeRoleWithWebIdentity(input),
        _ => throw new AwsErrorResponse("InvalidAction", $"The test server does not implement {operation}."),
    };

    private JsonObject AssumeRole(JsonObject input, string? callerKey)
    {
        var roleArn = (string)input["RoleArn"]!;
        var sessionName = (string)input["RoleSessionName"]!;
        var caller = callerKey is null ? null : ActiveSession(callerKey);
        var role = _iam.RoleByArn(roleArn)
            ?? throw new AwsErrorResponse("AccessDenied", $"User: {callerKey} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", 403);
        var duration = (int?)input["DurationSeconds"] ?? 3600;
        if (duration > role.MaxSessionDuration)
        {
            throw new AwsErrorResponse("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        if (caller is not null && duration > 3600)
        {
            throw new AwsErrorResponse("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }

        CheckPolicy(input);
        var sourceIdentity = (string?)input["SourceIdentity"];
        if (caller?.SourceIdentity is { } inherited)
        {
            if (sourceIdentity is not null && sourceIdentity != inherited)
            {
                throw new AwsErrorResponse("AccessDenied", "The source identity of a chained session cannot change.", 403);
            }

            sourceIdentity = inherited;
        }

        var tags = (input["Tags"] as JsonArray ?? []).Select(t => new KeyValuePair<string, string>((string)t!["Key"]!, (string)t["Value"]!)).ToList();
        var transitive = (input["TransitiveTagKeys"] as JsonArray ?? []).Select(k => (string)k!).ToList();
        var session = Issue(role, sessionName, duration, sourceIdentity, tags, transitive, null, caller is not null);
        return new JsonObject
        {
            ["Credentials"] = CredentialsJson(session),
            ["AssumedRoleUser"] = UserJson(role, sessionName),
            ["SourceIdentity"] = sourceIdentity,
        };
    }

    private JsonObject AssumeRoleWithWebIdentity(JsonObject input)
    {
        var token = (string)input["WebIdentityToken"]!;
        WebIdentity? identity;
        lock (_gate)
        {
            identity = _tokens.GetValueOrDefault(token);
        }

        if (identity is null)
        {
            throw new AwsErrorResponse("InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS.");
        }

        if (identity.Expired)
        {
            throw new AwsErrorResponse("ExpiredTokenException", "Token expired: current date/time is after the token's expiration.");
        }

        var roleArn = (string)input["RoleArn"]!;
        var role = _iam.RoleByArn(roleArn)
            ?? throw new AwsErrorResponse("AccessDenied", $"Not authorized to perform sts:AssumeRoleWithWebIdentity on {roleArn}", 403);
        var duration = (int?)input["DurationSeconds"] ?? 3600;
        if (duration > role.MaxSessionDuration)
        {
            throw new AwsErrorResponse("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        CheckPolicy(input);
        var sessionName = (string)input["RoleSessionName"]!;
        var session = Issue(role, sessionName, duration, null, [], [], identity.Subject, false);
        return new JsonObject
        {
            ["Credentials"] = CredentialsJson(session),
            ["SubjectFromWebIdentityToken"] = identity.Subject,
            ["AssumedRoleUser"] = UserJson(role, sessionName),
            ["Provider"] = identity.Provider,
            ["Audience"] = identity.Audience,
        };
    }

    private StsSession Issue(IamRoleState role, string sessionName, int duration, string? sourceIdentity,
        List<KeyValuePair<string, string>> tags, List<string> transitive, string? subject, bool chained)
    {
        var session = new StsSession("ASIA" + IamBackend.RandomId(16), IamBackend.RandomSecret(), "FwoGZXIvYXdzE" + IamBackend.RandomSecret(),
            _time.GetUtcNow().AddSeconds(duration), role.Arn, sessionName, sourceIdentity, tags, transitive, subject, chained);
        lock (_gate)
        {
            _sessions.Add(session);
        }

        return session;
    }

    private static void CheckPolicy(JsonObject input)
    {
        if ((string?)input["Policy"] is not { } policy)
        {
            return;
        }

        try
        {
            using var _ = JsonDocument.Parse(policy);
        }
        catch (JsonException)
        {
            throw new AwsErrorResponse("MalformedPolicyDocument", "The policy is not in the valid JSON format.");
        }
    }

    private static JsonObject CredentialsJson(StsSession s) => new()
    {
        ["AccessKeyId"] = s.AccessKeyId,
        ["SecretAccessKey"] = s.SecretAccessKey,
        ["SessionToken"] = s.SessionToken,
        ["Expiration"] = s.Expiration,
    };

    private JsonObject UserJson(IamRoleState role, string sessionName) => new()
    {
        ["AssumedRoleId"] = role.Id + ":" + sessionName,
        ["Arn"] = $"arn:aws:sts::{_account}:assumed-role/{role.Name}/{sessionName}",
    };
}
