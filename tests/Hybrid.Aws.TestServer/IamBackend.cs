using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.Aws.TestServer;

/// <summary>A role as the server keeps it.</summary>
public sealed class IamRoleState
{
    internal IamRoleState(string name, string path, string id, string arn, DateTimeOffset created, string trustPolicy)
    {
        Name = name;
        Path = path;
        Id = id;
        Arn = arn;
        Created = created;
        TrustPolicy = trustPolicy;
    }

    public string Name { get; }

    public string Path { get; }

    public string Id { get; }

    public string Arn { get; }

    public DateTimeOffset Created { get; }

    public string TrustPolicy { get; }

    public string? Description { get; internal set; }

    public int MaxSessionDuration { get; internal set; } = 3600;

    public string? PermissionsBoundary { get; internal set; }

    /// <summary>Tags in the order they were first set.</summary>
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    public SortedDictionary<string, string> InlinePolicies { get; } = new(StringComparer.Ordinal);
}

/// <summary>An IAM access key as the server keeps it.</summary>
public sealed record IamAccessKeyState(string UserName, string AccessKeyId, string SecretAccessKey, string Status, DateTimeOffset Created);

/// <summary>
/// IAM state: users the test registers, roles with trust policies, inline policies and tags, and access keys (an
/// active key signs requests to this server like any registered key).
/// </summary>
public sealed class IamBackend
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IamRoleState> _roles = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);
    private readonly List<IamAccessKeyState> _keys = [];
    private readonly TimeProvider _time;
    private readonly string _account;

    internal IamBackend(TimeProvider time, string account)
    {
        _time = time;
        _account = account;
    }

    public void AddUser(string userName)
    {
        lock (_gate)
        {
            _users.Add(userName);
        }
    }

    /// <summary>Registers an existing key, such as the one the tests sign with.</summary>
    public void AddAccessKey(string userName, string accessKeyId, string secretAccessKey)
    {
        lock (_gate)
        {
            _users.Add(userName);
            _keys.Add(new IamAccessKeyState(userName, accessKeyId, secretAccessKey, "Active", _time.GetUtcNow()));
        }
    }

    public IamRoleState? Role(string name)
    {
        lock (_gate)
        {
            return _roles.GetValueOrDefault(name);
        }
    }

    public IReadOnlyList<IamRoleState> Roles
    {
        get
        {
            lock (_gate)
            {
                return [.. _roles.Values];
            }
        }
    }

    public IReadOnlyList<IamAccessKeyState> AccessKeys
    {
        get
        {
            lock (_gate)
            {
                return [.. _keys];
            }
        }
    }

    internal IamRoleState? RoleByArn(string arn)
    {
        lock (_gate)
        {
            return _roles.Values.FirstOrDefault(r => r.Arn == arn);
        }
    }

    internal (string Secret, string UserName)? ActiveKey(string accessKeyId)
    {
        lock (_gate)
        {
            var key = _keys.FirstOrDefault(k => k.AccessKeyId == accessKeyId && k.Status == "Active");
            return key is null ? null : (key.SecretAccessKey, key.UserName);
        }
    }

    internal JsonObject Handle(string operation, JsonObject input, string? callerUser)
    {
        lock (_gate)
        {
            return operation switch
            {
                "CreateRole" => CreateRole(input),
                "PutRolePolicy" => PutRolePolicy(input),
                "DeleteRolePolicy" => DeleteRolePolicy(input),
                "DeleteRole" => DeleteRole(input),
                "ListRoleTags" => ListRoleTags(input),
                "TagRole" => TagRole(input),
                "ListRoles" => ListRoles(input),
                "ListRolePolicies" => ListRolePolicies(input),
                "CreateAccessKey" => CreateAccessKey(input, callerUser),
                "UpdateAccessKey" => UpdateAccessKey(input, callerUser),
                "DeleteAccessKey" => DeleteAccessKey(input, callerUser),
                "ListAccessKeys" => ListAccessKeys(input, callerUser),
                _ => throw new AwsErrorResponse("InvalidAction", $"The test server does not implement {operation}."),
            };
        }
    }

    private JsonObject CreateRole(JsonObject input)
    {
        var name = (string)input["RoleName"]!;
        var path = (string?)input["Path"] ?? "/";
        if (_roles.ContainsKey(name))
        {
            throw new AwsErrorResponse("EntityAlreadyExists", $"Role with name {name} already exists.", 409);
        }

        if (!path.StartsWith('/') || !path.EndsWith('/'))
        {
            throw new AwsErrorResponse("ValidationError", $"The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.");
        }

        var trust = (string)input["AssumeRolePolicyDocument"]!;
        CheckPolicy(trust);
        var tags = ReadTags(input);
        if (tags.Select(t => t.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != tags.Count)
        {
            throw new AwsErrorResponse("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
        }

        var boundary = (string?)input["PermissionsBoundary"];
        if (boundary is not null && !boundary.StartsWith("arn:aws:iam::", StringComparison.Ordinal))
        {
            throw new AwsErrorResponse("InvalidInput", $"ARN {boundary} is not valid.");
        }

        var role = new IamRoleState(name, path, "AROA" + RandomId(16), $"arn:aws:iam::{_account}:role{path}{name}", _time.GetUtcNow(), trust)
        {
            Description = (string?)input["Description"],
            MaxSessionDuration = (int?)input["MaxSessionDuration"] ?? 3600,
            PermissionsBoundary = boundary,
        };
        role.Tags.AddRange(tags);
        _roles[name] = role;
        return new JsonObject { ["Role"] = RoleJson(role, withTags: true) };
    }

    private JsonObject PutRolePolicy(JsonObject input)
    {
        var role = FindRole((string)input["RoleName"]!);
        var document = (string)input["PolicyDocument"]!;
        CheckPolicy(document);
        role.InlinePolicies[(string)input["PolicyName"]!] = document;
        return [];
    }

    private JsonObject DeleteRolePolicy(JsonObject input)
    {
        var role = FindRole((string)input["RoleName"]!);
        var policy = (string)input["PolicyName"]!;
        if (!role.InlinePolicies.Remove(policy))
        {
            throw new AwsErrorResponse("NoSuchEntity", $"The role policy with name {policy} cannot be found.", 404);
        }

        return [];
    }

    private JsonObject DeleteRole(JsonObject input)
    {
        var role = FindRole((string)input["RoleName"]!);
        if (role.InlinePolicies.Count > 0)
        {
            throw new AwsErrorResponse("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
        }

        _roles.Remove(role.Name);
        return [];
    }

    private JsonObject ListRoleTags(JsonObject input)
    {
        var role = FindRole((string)input["RoleName"]!);
        return Page(input, role.Tags, t => t.Key, t => new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }, "Tags");
    }

    private JsonObject TagRole(JsonObject input)
    {
        var role = FindRole((string)input["RoleName"]!);
        var tags = ReadTags(input);
        var merged = role.Tags.ToList();
        foreach (var tag in tags)
        {
            var index = merged.FindIndex(t => string.Equals(t.Key, tag.Key, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                merged[index] = tag;
            }
            else
            {
                merged.Add(tag);
            }
        }

        if (merged.Count > 50)
        {
            throw new AwsErrorResponse("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50.", 409);
        }

        role.Tags.Clear();
        role.Tags.AddRange(merged);
        return [];
    }

    private JsonObject ListRoles(JsonObject input)
    {
        var prefix = (string?)input["PathPrefix"] ?? "/";
        var roles = _roles.Values.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return Page(input, roles, r => r.Name, r => RoleJson(r, withTags: false), "Roles");
    }

    private JsonObject ListRolePolicies(JsonObject input)
    {
        var role = FindRole((string)input["RoleName"]!);
        return Page(input, role.InlinePolicies.Keys.ToList(), p => p, p => JsonValue.Create(p), "PolicyNames");
    }

    private JsonObject CreateAccessKey(JsonObject input, string? callerUser)
    {
        var user = User(input, callerUser);
        if (_keys.Count(k => k.UserName == user) >= 2)
        {
            throw new AwsErrorResponse("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409);
        }

        var key = new IamAccessKeyState(user, "AKIA" + RandomId(16), RandomSecret(), "Active", _time.GetUtcNow());
        _keys.Add(key);
        return new JsonObject
        {
            ["AccessKey"] = new JsonObject
            {
                ["UserName"] = key.UserName,
                ["AccessKeyId"] = key.AccessKeyId,
                ["Status"] = key.Status,
                ["SecretAccessKey"] = key.SecretAccessKey,
                ["CreateDate"] = key.Created,
            },
        };
    }

    private JsonObject UpdateAccessKey(JsonObject input, string? callerUser)
    {
        var index = FindKey(input, callerUser);
        _keys[index] = _keys[index] with { Status = (string)input["Status"]! };
        return [];
    }

    private JsonObject DeleteAccessKey(JsonObject input, string? callerUser)
    {
        _keys.RemoveAt(FindKey(input, callerUser));
        return [];
    }

    private JsonObject ListAccessKeys(JsonObject input, string? callerUser)
    {
        var user = User(input, callerUser);
        return Page(input, _keys.Where(k => k.UserName == user).ToList(), k => k.AccessKeyId, k => new JsonObject
        {
            ["UserName"] = k.UserName,
            ["AccessKeyId"] = k.AccessKeyId,
            ["Status"] = k.Status,
            ["CreateDate"] = k.Created,
        }, "AccessKeyMetadata");
    }

    private string User(JsonObject input, string? callerUser)
    {
        var user = (string?)input["UserName"] ?? callerUser
            ?? throw new AwsErrorResponse("ValidationError", "Must specify userName when calling with non-User credentials");
        return _users.Contains(user) ? user : throw new AwsErrorResponse("NoSuchEntity", $"The user with name {user} cannot be found.", 404);
    }

    private int FindKey(JsonObject input, string? callerUser)
    {
        var user = User(input, callerUser);
        var id = (string)input["AccessKeyId"]!;
        var index = _keys.FindIndex(k => k.UserName == user && k.AccessKeyId == id);
        return index >= 0 ? index : throw new AwsErrorResponse("NoSuchEntity", $"The Access Key with id {id} cannot be found.", 404);
    }

    private IamRoleState FindRole(string name)
        => _roles.TryGetValue(name, out var role)
            ? role
            : throw new AwsErrorResponse("NoSuchEntity", $"The role with name {name} cannot be found.", 404);

    private static List<KeyValuePair<string, string>> ReadTags(JsonObject input)
        => (input["Tags"] as JsonArray ?? []).Select(t => new KeyValuePair<string, string>((string)t!["Key"]!, (string)t["Value"]!)).ToList();

    private static void CheckPolicy(string document)
    {
        try
        {
            using var doc = JsonDocument.Parse(document);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("Statement", out _))
            {
                throw new AwsErrorResponse("MalformedPolicyDocument", "Syntax errors in policy.");
            }
        }
        catch (JsonException)
        {
            throw new AwsErrorResponse("MalformedPolicyDocument", "This policy contains invalid Json");
        }
    }

    private static JsonObject RoleJson(IamRoleState role, bool withTags)
    {
        var json = new JsonObject
        {
            ["Path"] = role.Path,
            ["RoleName"] = role.Name,
            ["RoleId"] = role.Id,
            ["Arn"] = role.Arn,
            ["CreateDate"] = role.Created,
            ["AssumeRolePolicyDocument"] = Uri.EscapeDataString(role.TrustPolicy), // IAM answers policy documents URL-encoded.
            ["Description"] = role.Description,
            ["MaxSessionDuration"] = role.MaxSessionDuration,
        };
        if (role.PermissionsBoundary is not null)
        {
            json["PermissionsBoundary"] = new JsonObject
            {
                ["PermissionsBoundaryType"] = "PermissionsBoundaryPolicy",
                ["PermissionsBoundaryArn"] = role.PermissionsBoundary,
            };
        }

        if (withTags && role.Tags.Count > 0)
        {
            json["Tags"] = new JsonArray(role.Tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
        }

        return json;
    }

    /// <summary>
    /// IAM paging: items in key order (case-insensitive, as IAM names are), MaxItems (default 100), and an opaque Marker
    /// that names the last key returned, so deleting items between pages skips nothing.
    /// </summary>
    private static JsonObject Page<T>(JsonObject input, IReadOnlyList<T> items, Func<T, string> key, Func<T, JsonNode> toJson, string listName)
    {
        var max = (int?)input["MaxItems"] ?? 100;
        IEnumerable<T> ordered = items.OrderBy(key, StringComparer.OrdinalIgnoreCase).ThenBy(key, StringComparer.Ordinal);
        if ((string?)input["Marker"] is { } marker)
        {
            string after;
            try
            {
                after = Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            }
            catch (FormatException)
            {
                throw new AwsErrorResponse("ValidationError", $"Invalid Marker: {marker}");
            }

            ordered = ordered.Where(i => StringComparer.OrdinalIgnoreCase.Compare(key(i), after) > 0);
        }

        var remaining = ordered.ToList();
        var page = remaining.Take(max).ToList();
        var truncated = remaining.Count > page.Count;
        return new JsonObject
        {
            [listName] = new JsonArray(page.Select(i => (JsonNode?)toJson(i)).ToArray()),
            ["IsTruncated"] = truncated,
            ["Marker"] = truncated ? Convert.ToBase64String(Encoding.UTF8.GetBytes(key(page[^1]))) : null,
        };
    }

    internal static string RandomId(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        return string.Create(length, alphabet, (span, a) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
            }
        });
    }

    internal static string RandomSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
}
