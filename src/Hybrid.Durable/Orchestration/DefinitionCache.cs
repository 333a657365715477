using System.Collections.Concurrent;
using Hybrid.Asl.Model;
using Hybrid.Asl.Parsing;

namespace Hybrid.Durable.Orchestration;

/// <summary>
/// Parsed state machines by definition text. Parsing is pure, so caching it keeps replays cheap without affecting
/// determinism. Bounded: it is cleared when it grows past <see cref="Capacity"/> entries.
/// </summary>
internal static class DefinitionCache
{
    private const int Capacity = 512;
    private static readonly ConcurrentDictionary<string, StateMachine> Machines = new(StringComparer.Ordinal);

    public static StateMachine Get(string definition)
    {
        if (Machines.TryGetValue(definition, out var machine))
        {
            return machine;
        }

        var parsed = DefinitionParser.Parse(definition);
        if (!parsed.IsValid)
        {
            // Definitions are validated before an execution starts; reaching this means the stored input was altered.
            throw new InvalidOperationException("The orchestration's state machine is invalid: " + string.Join("; ", parsed.Errors));
        }

        if (Machines.Count >= Capacity)
        {
            Machines.Clear();
        }

        return Machines.GetOrAdd(definition, parsed.StateMachine!);
    }
}
