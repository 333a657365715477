using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask.Converters;

namespace Hybrid.Host.Backends;

/// <summary>
/// A JSON data converter that remembers what it read for immutable message types. A replay deserializes the
/// orchestration's input and every result it has had so far again, at every episode: for a state machine that is the
/// whole <c>MachineRun</c> (the definition and the execution) and one dispatch result per task so far. Those messages
/// are immutable records, so the same text can give the same object. Bounded: it forgets everything once it holds
/// <see cref="MaxChars"/> characters of text, and never keeps a text longer than <see cref="MaxTextChars"/>.
/// </summary>
internal sealed class MemoizingDataConverter(JsonSerializerOptions options, IReadOnlySet<Type> immutableTypes) : JsonDataConverter(options)
{
    internal const int MaxChars = 4 * 1024 * 1024;
    internal const int MaxTextChars = 16 * 1024;
    private readonly ConcurrentDictionary<(Type Type, string Text), object> _read = new();
    private long _chars;

    /// <summary>How many objects it remembers now (for tests).</summary>
    internal int Count => _read.Count;

    public override object? Deserialize(string? data, Type targetType)
    {
        if (data is null || data.Length > MaxTextChars || !immutableTypes.Contains(targetType))
        {
            return base.Deserialize(data, targetType);
        }

        if (_read.TryGetValue((targetType, data), out var known))
        {
            return known;
        }

        var value = base.Deserialize(data, targetType);
        if (value is not null)
        {
            if (Interlocked.Add(ref _chars, data.Length) > MaxChars)
            {
                _read.Clear();
                Interlocked.Exchange(ref _chars, data.Length);
            }

            _read.TryAdd((targetType, data), value);
        }

        return value;
    }
}
