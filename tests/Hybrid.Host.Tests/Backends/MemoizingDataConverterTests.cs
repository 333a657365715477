using System.Text.Json;
using Hybrid.Durable.Orchestration;
using Hybrid.Host.Backends;

namespace Hybrid.Host.Tests.Backends;

/// <summary>The embedded backend's converter reads an immutable message's text once, and stays bounded.</summary>
public sealed class MemoizingDataConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = true };

    private static MachineRun Run(string input) => new(
        """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""",
        input,
        new ExecutionMeta("w:n", "arn:x", "n", "w", "arn:sm", DateTimeOffset.UnixEpoch, input, null, null, null, null),
        IsRoot: true,
        null,
        null,
        null,
        null,
        0,
        RunSettings.Default);

    [Fact]
    public void ImmutableMessage_SameText_GivesTheSameObject_EqualToAFreshRead()
    {
        var converter = new MemoizingDataConverter(Options, new HashSet<Type> { typeof(MachineRun) });
        var text = converter.Serialize(Run("""{"n":1}"""))!;

        var first = converter.Deserialize(text, typeof(MachineRun));
        var again = converter.Deserialize(new string(text.AsSpan()), typeof(MachineRun));

        Assert.Same(first, again);
        Assert.Equal(JsonSerializer.Serialize(JsonSerializer.Deserialize<MachineRun>(text, Options), Options), JsonSerializer.Serialize(first, Options));
        Assert.NotSame(first, converter.Deserialize(converter.Serialize(Run("""{"n":2}""")), typeof(MachineRun)));
    }

    [Fact]
    public void OtherTypes_AndNull_AreReadEveryTime()
    {
        var converter = new MemoizingDataConverter(Options, new HashSet<Type> { typeof(MachineRun) });
        var text = converter.Serialize(new DispatchResult("{}", null, null))!;

        Assert.NotSame(converter.Deserialize(text, typeof(DispatchResult)), converter.Deserialize(text, typeof(DispatchResult)));
        Assert.Null(converter.Deserialize(null, typeof(MachineRun)));
        Assert.Equal(0, converter.Count);
    }

    [Fact]
    public void LongTexts_AreNotKept_AndTheMemoryIsBounded()
    {
        var converter = new MemoizingDataConverter(Options, new HashSet<Type> { typeof(MachineRun) });
        var big = converter.Serialize(Run($$"""{"s":"{{new string('x', MemoizingDataConverter.MaxTextChars)}}"}"""))!;

        Assert.NotSame(converter.Deserialize(big, typeof(MachineRun)), converter.Deserialize(big, typeof(MachineRun)));
        Assert.Equal(0, converter.Count);

        var filler = new string('y', (MemoizingDataConverter.MaxTextChars / 2) - 400);
        var most = 0;
        for (var i = 0; i < 2 * MemoizingDataConverter.MaxChars / filler.Length; i++)
        {
            converter.Deserialize(converter.Serialize(Run($$"""{"i":{{i}},"s":"{{filler}}"}""")), typeof(MachineRun));
            most = Math.Max(most, converter.Count);
        }

        Assert.InRange(most, 1, (MemoizingDataConverter.MaxChars / filler.Length) + 1);
        Assert.True(converter.Count < most, "The converter never forgot what it had read.");
    }
}
