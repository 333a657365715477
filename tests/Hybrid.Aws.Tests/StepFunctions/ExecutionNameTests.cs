using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hybrid.Aws.StepFunctions;

namespace Hybrid.Aws.Tests.StepFunctions;

public sealed class ExecutionNameTests
{
    [Theory]
    [InlineData("instance-1_step.3", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("a:b", false)]
    [InlineData("tab\there", false)]
    [InlineData("ünïcode-ok", true)]
    public void IsValid_Names_FollowStepFunctionsRules(string name, bool valid)
        => Assert.Equal(valid, ExecutionName.IsValid(name));

    [Fact]
    public void IsValid_EightyOneCharacters_IsFalse()
    {
        Assert.True(ExecutionName.IsValid(new string('a', 80)));
        Assert.False(ExecutionName.IsValid(new string('a', 81)));
    }

    [Fact]
    public void IsValid_LoneSurrogate_IsFalse()
        => Assert.False(ExecutionName.IsValid("a\ud800b"));

    [Fact]
    public void FromKey_LoneSurrogate_IsReplacedAndHashed()
        => Assert.True(ExecutionName.IsValid(ExecutionName.FromKey("a\ud800b")));

    [Fact]
    public void FromKey_ValidKey_IsUsedAsItIs()
        => Assert.Equal("wf-42_step-7", ExecutionName.FromKey("wf-42_step-7"));

    [Fact]
    public void FromKey_KeyWithForbiddenCharacters_KeepsReadablePrefixAndHash()
    {
        var name = ExecutionName.FromKey("orders/2026:step 3");

        Assert.StartsWith("orders_2026_step_3-", name, StringComparison.Ordinal);
        Assert.Equal("orders_2026_step_3-".Length + 16, name.Length);
        Assert.NotEqual(name, ExecutionName.FromKey("orders_2026_step_3"));
    }

    [Property]
    public Property FromKey_AnyKey_IsValidAndDeterministic(NonEmptyString key)
    {
        var name = ExecutionName.FromKey(key.Get);
        return (ExecutionName.IsValid(name) && name == ExecutionName.FromKey(key.Get)).ToProperty();
    }

    [Property]
    public Property FromKey_DifferentKeys_GiveDifferentNames(NonEmptyString a, NonEmptyString b)
        => (a.Get == b.Get || ExecutionName.FromKey(a.Get) != ExecutionName.FromKey(b.Get)).ToProperty();
}
