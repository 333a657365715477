using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hybrid.Testing;

/// <summary>
/// The state machines of <c>infra/aws/hybrid-bridge.template.json</c>, as AWS would run them: each definition with its
/// <c>DefinitionSubstitutions</c> placeholders replaced by the given values.
/// </summary>
public static partial class AwsTemplate
{
    public static string Path => RepoPaths.Combine("infra", "aws", "hybrid-bridge.template.json");

    public static JsonObject Load() => JsonNode.Parse(File.ReadAllText(Path))!.AsObject();

    /// <summary>Every AWS::StepFunctions::StateMachine resource: its logical id and its definition text, substituted.</summary>
    /// <exception cref="InvalidOperationException">A placeholder has no substitution, or no value was given for one.</exception>
    public static IReadOnlyDictionary<string, string> StateMachines(IReadOnlyDictionary<string, string> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, resource) in Load()["Resources"]!.AsObject())
        {
            if (resource!["Type"]!.GetValue<string>() != "AWS::StepFunctions::StateMachine")
            {
                continue;
            }

            var properties = resource["Properties"]!;
            var declared = properties["DefinitionSubstitutions"]?.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
            var text = properties["Definition"]!.ToJsonString();
            result[id] = Placeholder().Replace(text, match =>
            {
                var name = match.Groups[1].Value;
                if (!declared.Contains(name))
                {
                    throw new InvalidOperationException($"{id}: ${{{name}}} has no DefinitionSubstitutions entry.");
                }

                return values.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"{id}: no test value for ${{{name}}}.");
            });
        }

        return result;
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Placeholder();
}
