using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hybrid.Asl.Execution;

namespace Hybrid.Asl.Tests.Execution;

public sealed class ExecutionNamesTests
{
    [Theory]
    [InlineData("instance-1_step.3", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("a:b", false)]
    [InlineData("tab\there", false)]
    [InlineData("ünïcode-ok", true)]
    public void IsValid_Names_FollowStepFunctionsRules(string name, bool valid)
        => Assert.Equal(valid, ExecutionNames.IsValid(name));

    [Fact]
    public void IsValid_EightyOneCharacters_IsFalse()
    {
        Assert.True(ExecutionNames.IsValid(new string('a', 80)));
        Assert.False(ExecutionNames.IsValid(new string('a', 81)));
    }

    [Fact]
    public void IsValid_LoneSurrogate_IsFalse()
        => Assert.False(ExecutionNames.IsValid("a\ud800b"));

    [Fact]
    public void FromKey_LoneSurrogate_IsReplacedAndHashed()
        => Assert.True(ExecutionNames.IsValid(ExecutionNames.FromKey("a\ud800b")));

    [Fact]
    public void FromKey_ValidKey_IsUsedAsItIs()
        => Assert.Equal("wf-42_step-7", ExecutionNames.FromKey("wf-42_step-7"));

    [Fact]
    public void FromKey_KeyWithForbiddenCharacters_KeepsReadablePrefixAndHash()
    {
        var name = ExecutionNames.FromKey("orders/2026:step 3");

        Assert.StartsWith("orders_2026_step_3-", name, StringComparison.Ordinal);
        Assert.Equal("orders_2026_step_3-".Length + 16, name.Length);
        Assert.NotEqual(name, ExecutionNames.FromKey("orders_2026_step_3"));
    }

    [Property]
    public Property FromKey_AnyKey_IsValidAndDeterministic(NonEmptyString key)
    {
        var name = ExecutionNames.FromKey(key.Get);
        return (ExecutionNames.IsValid(name) && name == ExecutionNames.FromKey(key.Get)).ToProperty();
    }

    [Property]
    public Property FromKey_DifferentKeys_GiveDifferentNames(NonEmptyString a, NonEmptyString b)
        => (a.Get == b.Get || ExecutionNames.FromKey(a.Get) != ExecutionNames.FromKey(b.Get)).ToProperty();
}
