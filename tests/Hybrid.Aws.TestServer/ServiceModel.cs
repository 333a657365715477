using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Hybrid.Aws.TestServer;

/// <summary>One shape of a botocore service model.</summary>
public sealed record ModelShape(
    string Name,
    string Type,
    IReadOnlyDictionary<string, ModelMember> Members,
    IReadOnlySet<string> Required,
    string? ListMember,
    string? MapKey,
    string? MapValue,
    long? Min,
    long? Max,
    IReadOnlyList<string>? Enum,
    bool Flattened,
    string? ErrorCode,
    int? ErrorStatus);

/// <param name="Shape">The member's shape name.</param>
/// <param name="LocationName">The name on the wire, if it differs.</param>
public sealed record ModelMember(string Shape, string? LocationName);

/// <summary>An operation of the model; <c>HostPrefix</c> is the endpoint host prefix (Step Functions' <c>sync-</c>).</summary>
public sealed record ModelOperation(string Name, string? Input, string? Output, string? ResultWrapper, IReadOnlyList<string> Errors, string? HostPrefix);

/// <summary>A botocore <c>service-2.json</c>: metadata, operations and shapes, as the AWS CLI ships it.</summary>
public sealed class ServiceModel
{
    private ServiceModel(JsonObject root)
    {
        var metadata = root["metadata"]!.AsObject();
        ApiVersion = (string)metadata["apiVersion"]!;
        Protocol = (string)metadata["protocol"]!;
        TargetPrefix = (string?)metadata["targetPrefix"];
        XmlNamespace = (string?)metadata["xmlNamespace"];
        SigningName = (string?)metadata["signingName"] ?? (string)metadata["endpointPrefix"]!;

        var shapes = new Dictionary<string, ModelShape>(StringComparer.Ordinal);
        foreach (var (name, node) in root["shapes"]!.AsObject())
        {
            var s = node!.AsObject();
            var members = new Dictionary<string, ModelMember>(StringComparer.Ordinal);
            if (s["members"] is JsonObject m)
            {
                foreach (var (memberName, member) in m)
                {
                    members[memberName] = new ModelMember((string)member!["shape"]!, (string?)member["locationName"]);
                }
            }

            var error = s["error"] as JsonObject;
            shapes[name] = new ModelShape(
                name,
                (string)s["type"]!,
                members,
                new HashSet<string>((s["required"] as JsonArray)?.Select(r => (string)r!) ?? [], StringComparer.Ordinal),
                (string?)s["member"]?["shape"],
                (string?)s["key"]?["shape"],
                (string?)s["value"]?["shape"],
                s["min"] is JsonValue min ? (long)min.GetValue<double>() : null,
                s["max"] is JsonValue max ? (long)max.GetValue<double>() : null,
                (s["enum"] as JsonArray)?.Select(e => (string)e!).ToList(),
                (bool?)s["flattened"] ?? false,
                error is null ? null : (string?)error["code"],
                error is null ? null : (int?)error["httpStatusCode"]);
        }

        Shapes = shapes;

        var operations = new Dictionary<string, ModelOperation>(StringComparer.Ordinal);
        foreach (var (name, node) in root["operations"]!.AsObject())
        {
            var o = node!.AsObject();
            operations[name] = new ModelOperation(
                name,
                (string?)o["input"]?["shape"],
                (string?)o["output"]?["shape"],
                (string?)o["output"]?["resultWrapper"],
                (o["errors"] as JsonArray)?.Select(e => (string)e!["shape"]!).ToList() ?? [],
                (string?)o["endpoint"]?["hostPrefix"]);
        }

        Operations = operations;
    }

    public string ApiVersion { get; }

    public string Protocol { get; }

    public string? TargetPrefix { get; }

    public string? XmlNamespace { get; }

    public string SigningName { get; }

    public IReadOnlyDictionary<string, ModelShape> Shapes { get; }

    public IReadOnlyDictionary<string, ModelOperation> Operations { get; }

    public ModelShape Shape(string name) => Shapes[name];

    /// <summary>The wire error code of a modelled error shape (its <c>error.code</c>, else its name).</summary>
    public string ErrorCodeOf(string shapeName) => Shapes[shapeName].ErrorCode ?? shapeName;

    /// <summary>Loads <c>{service}/{version}/service-2.json</c> (or <c>.json.gz</c>) from the installed botocore data.</summary>
    public static ServiceModel Load(string service, string version)
    {
        foreach (var dataDir in BotocoreDataDirectories())
        {
            var plain = Path.Combine(dataDir, service, version, "service-2.json");
            if (File.Exists(plain))
            {
                return new ServiceModel(JsonNode.Parse(File.ReadAllText(plain))!.AsObject());
            }

            var gz = plain + ".gz";
            if (File.Exists(gz))
            {
                using var file = File.OpenRead(gz);
                using var unzip = new GZipStream(file, CompressionMode.Decompress);
                return new ServiceModel(JsonNode.Parse(unzip)!.AsObject());
            }
        }

        throw new InvalidOperationException(
            $"The botocore model {service}/{version}/service-2.json was not found. Install Debian's awscli package " +
            "(apt-get install awscli), or point HYBRID_BOTOCORE_DATA at a botocore data folder.");
    }

    private static IEnumerable<string> BotocoreDataDirectories()
    {
        if (Environment.GetEnvironmentVariable("HYBRID_BOTOCORE_DATA") is { Length: > 0 } configured)
        {
            yield return configured;
        }

        var roots = new List<string> { "/usr/lib/python3/dist-packages", "/usr/share/awscli" };
        if (Directory.Exists("/usr/lib"))
        {
            roots.AddRange(Directory.EnumerateDirectories("/usr/lib", "python3*").Select(d => Path.Combine(d, "dist-packages")));
            roots.AddRange(Directory.EnumerateDirectories("/usr/lib", "python3*").Select(d => Path.Combine(d, "site-packages")));
        }

        foreach (var root in roots.Distinct(StringComparer.Ordinal))
        {
            yield return Path.Combine(root, "awscli", "botocore", "data");
            yield return Path.Combine(root, "botocore", "data");
        }
    }
}
