using System.Text.Json.Nodes;
using Hybrid.Asl.Json;

namespace Hybrid.Asl.Tests.Json;

public sealed class JsonNumbersTests
{
    [Theory]
    [InlineData(2.0, "2")]
    [InlineData(-7.0, "-7")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    public void Create_Double_StaysIntegralWhenIntegral(double value, string expected) =>
        Assert.Equal(expected, JsonNumbers.Create(value).ToJsonString());

    [Theory]
    [InlineData("2.000", "2")]
    [InlineData("1.50", "1.5")]
    [InlineData("-0.250", "-0.25")]
    public void Create_Decimal_DropsTrailingZeros(string value, string expected) =>
        Assert.Equal(expected, JsonNumbers.Create(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ToJsonString());

    [Fact]
    public void Create_NaN_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonNumbers.Create(double.NaN));

    [Fact]
    public void TryGetInt64_ParsedInteger_Succeeds()
    {
        Assert.True(JsonNumbers.TryGetInt64(AslJson.Parse("42"), out var value));
        Assert.Equal(42, value);
        Assert.True(JsonNumbers.TryGetInt64(JsonValue.Create(7), out value));
        Assert.Equal(7, value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("12345678901234567890")]
    [InlineData("\"1\"")]
    [InlineData("null")]
    public void TryGetInt64_NotALong_Fails(string json) =>
        Assert.False(JsonNumbers.TryGetInt64(AslJson.Parse(json), out _));

    [Theory]
    [InlineData("3.0", 3)]
    [InlineData("3e0", 3)]
    [InlineData("-2", -2)]
    public void TryGetIntegral_IntegralValue_Succeeds(string json, long expected)
    {
        Assert.True(JsonNumbers.TryGetIntegral(AslJson.Parse(json), out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryGetIntegral_Fraction_Fails() =>
        Assert.False(JsonNumbers.TryGetIntegral(AslJson.Parse("3.5"), out _));

    [Fact]
    public void TryGetDecimal_LargeInteger_KeepsPrecision()
    {
        Assert.True(JsonNumbers.TryGetDecimal(AslJson.Parse("12345678901234567890"), out var value));
        Assert.Equal(12345678901234567890m, value);
    }

    [Fact]
    public void TryGetDouble_HugeNumber_IsInfinity()
    {
        Assert.True(JsonNumbers.TryGetDouble(AslJson.Parse("1e400"), out var value));
        Assert.True(double.IsPositiveInfinity(value));
        Assert.False(JsonNumbers.TryGetDouble(AslJson.Parse("\"1\""), out _));
    }

    [Fact]
    public void Compare_OrdersByValue()
    {
        Assert.True(JsonNumbers.Compare(AslJson.Parse("2")!, AslJson.Parse("10")!) < 0);
        Assert.Equal(0, JsonNumbers.Compare(AslJson.Parse("1")!, AslJson.Parse("1.0")!));
        Assert.True(JsonNumbers.Compare(AslJson.Parse("1e300")!, AslJson.Parse("1")!) > 0);
    }

    [Fact]
    public void ToText_ParsedNumber_IsTheOriginalText()
    {
        Assert.Equal("1.0", JsonNumbers.ToText(AslJson.Parse("1.0")!));
        Assert.Equal("12345678901234567890", JsonNumbers.ToText(AslJson.Parse("12345678901234567890")!));
    }

    [Fact]
    public void RoundTrip_LargeIntegerAndIntegers_SurviveParseAndWrite()
    {
        const string json = "[12345678901234567890,1,-0,100]";
        Assert.Equal(json, AslJson.ToJsonString(AslJson.Parse(json)!.DeepClone()));
    }
}
