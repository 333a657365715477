namespace Hybrid.Jsonata.Internal;

internal static class NumberFormatting
{
    public static string FormatNumber(double value, string picture, JObject? options) => throw new NotImplementedException();
}

internal static class IntegerFormatting
{
    public static string FormatInteger(double value, string picture) => throw new NotImplementedException();

    public static object? ParseInteger(string value, string picture) => throw new NotImplementedException();
}

internal static class DateTimeFunctions
{
    public static object? ToMillis(string timestamp, string? picture) => throw new NotImplementedException();

    public static object? FromMillis(double millis, string? picture, string? timezone) => throw new NotImplementedException();
}
