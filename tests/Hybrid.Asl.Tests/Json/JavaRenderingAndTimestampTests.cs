using Hybrid.Asl.Json;

namespace Hybrid.Asl.Tests.Json;

public sealed class JavaRenderingTests
{
    [Theory]
    [InlineData("{\"Arg1\":1,\"Arg2\":[]}", "{Arg1=1, Arg2=[]}")]
    [InlineData("[1,\"two\",null,true,{\"a\":\"b\"}]", "[1, two, null, true, {a=b}]")]
    [InlineData("\"plain\"", "plain")]
    [InlineData("null", "null")]
    [InlineData("false", "false")]
    [InlineData("42", "42")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("1.5", "1.5")]
    [InlineData("1.0", "1.0")]
    [InlineData("100.50", "100.5")]
    [InlineData("1e3", "1000.0")]
    [InlineData("1e20", "1.0E20")]
    [InlineData("0.0001", "1.0E-4")]
    [InlineData("0.001", "0.001")]
    [InlineData("-12345678.9", "-1.23456789E7")]
    [InlineData("{}", "{}")]
    [InlineData("{\"a\":{\"b\":[1.5]}}", "{a={b=[1.5]}}")]
    public void Render_Value_PrintsLikeJava(string json, string expected) =>
        Assert.Equal(expected, JavaRendering.Render(AslJson.Parse(json)));

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(9999999.0, "9999999.0")]
    [InlineData(10000000.0, "1.0E7")]
    [InlineData(123.456, "123.456")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1.2345e-10, "1.2345E-10")]
    public void FormatDouble_MatchesJavaDoubleToString(double value, string expected) =>
        Assert.Equal(expected, JavaRendering.FormatDouble(value));
}

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2016-03-14T01:59:00Z", "2016-03-14T01:59:00+00:00")]
    [InlineData("2016-03-14T01:59:00.123Z", "2016-03-14T01:59:00.1230000+00:00")]
    [InlineData("2016-03-14T01:59:00+02:00", "2016-03-13T23:59:00+00:00")]
    [InlineData("2016-03-14T01:59:00-05:30", "2016-03-14T07:29:00+00:00")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00+00:00")]
    [InlineData("2016-03-14T01:59:00.123456789Z", "2016-03-14T01:59:00.1234567+00:00")]
    public void TryParse_ValidTimestamp_GivesTheInstant(string text, string expectedUtc)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("2016-03-14 01:59:00Z")]
    [InlineData("2016-03-14T01:59:00")]
    [InlineData("2016-03-14t01:59:00Z")]
    [InlineData("2016-03-14T01:59:00z")]
    [InlineData("2016-03-14")]
    [InlineData("2016-02-30T00:00:00Z")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2016-03-14T24:00:00Z")]
    [InlineData("2016-03-14T01:60:00Z")]
    [InlineData("2016-03-14T01:59:00.Z")]
    [InlineData("2016-03-14T01:59:00+0200")]
    [InlineData("2016-03-14T01:59:00+02:00x")]
    [InlineData("16-03-14T01:59:00Z")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    public void TryParse_InvalidTimestamp_Fails(string? text) =>
        Assert.False(Rfc3339.TryParse(text, out _));
}
