using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hybrid.Asl.Parsing;
using Hybrid.Asl.Validation;

namespace Hybrid.Durable.Executions;

/// <summary>A workflow that failed to load, with every diagnostic.</summary>
public sealed record WorkflowLoadError(string Name, string Source, IReadOnlyList<Diagnostic> Diagnostics)
{
    public override string ToString() =>
        $"{Source}: workflow '{Name}' is invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, Diagnostics.Select(d => "  " + d));
}

/// <summary>Thrown when a folder holds definitions that do not validate; nothing from the folder is loaded.</summary>
public sealed class WorkflowRegistryException(IReadOnlyList<WorkflowLoadError> errors)
    : Exception("Some workflow definitions are invalid, so none were loaded:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<WorkflowLoadError> Errors { get; } = errors;
}

/// <summary>
/// The named state machines in a folder of <c>*.asl.json</c> files (the name is the file name without the suffix),
/// validated when loaded. Loading is all or nothing: one invalid file and the whole folder is refused, with every
/// problem reported, so a half-loaded registry never serves.
/// </summary>
public sealed partial class FolderWorkflowRegistry : IWorkflowRegistry
{
    public const string Suffix = ".asl.json";
    private readonly Dictionary<string, WorkflowDefinition> _workflows;

    private FolderWorkflowRegistry(Dictionary<string, WorkflowDefinition> workflows)
    {
        _workflows = workflows;
    }

    /// <summary>Workflow names: letters, digits, '-' and '_', 1 to 80 characters (they appear in ids and URLs).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>Loads every <c>*.asl.json</c> in <paramref name="folder"/> and its subfolders; two files with one name are refused.</summary>
    /// <exception cref="WorkflowRegistryException">Any definition is invalid.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static FolderWorkflowRegistry Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The workflows folder '{Path.GetFullPath(folder)}' does not exist.");
        }

        var sources = Directory.EnumerateFiles(folder, "*" + Suffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => (Name: Path.GetFileName(path)[..^Suffix.Length], Source: path, Text: File.ReadAllText(path)));
        return FromSources(sources);
    }

    /// <summary>Builds a registry from (name, source, text) triples; used by Load and by tests.</summary>
    public static FolderWorkflowRegistry FromSources(IEnumerable<(string Name, string Source, string Text)> sources)
    {
        var workflows = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        var errors = new List<WorkflowLoadError>();
        foreach (var (name, source, text) in sources)
        {
            if (workflows.TryGetValue(name, out var first))
            {
                errors.Add(new WorkflowLoadError(name, source, [new Diagnostic("DUPLICATE_WORKFLOW_NAME", $"The workflow name '{name}' is already used by {first.Source}.", "")]));
                continue;
            }

            if (!IsValidName(name))
            {
                errors.Add(new WorkflowLoadError(name, source, [new Diagnostic("INVALID_WORKFLOW_NAME", "A workflow name holds only letters, digits, '-' and '_' (1 to 80 characters).", "")]));
                continue;
            }

            var parsed = DefinitionParser.Parse(text);
            if (!parsed.IsValid)
            {
                errors.Add(new WorkflowLoadError(name, source, [.. parsed.Errors]));
                continue;
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            workflows[name] = new WorkflowDefinition(name, text, parsed.StateMachine!, hash, source);
        }

        return errors.Count > 0 ? throw new WorkflowRegistryException(errors) : new FolderWorkflowRegistry(workflows);
    }

    public IReadOnlyList<WorkflowDefinition> List() => [.. _workflows.Values.OrderBy(w => w.Name, StringComparer.Ordinal)];

    public WorkflowDefinition? Find(string name) => _workflows.GetValueOrDefault(name);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex NamePattern();
}
