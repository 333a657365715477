using Hybrid.Asl.Parsing;

namespace Hybrid.Cli.Commands;

/// <summary>Reads a definition file for a verb, turning every I/O problem into a clear message.</summary>
internal static class DefinitionFile
{
    public static bool TryRead(FileInfo file, CliConsole console, out string text)
    {
        text = "";
        try
        {
            text = File.ReadAllText(file.FullName);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            console.Error.WriteLine($"hybrid: cannot read '{file}': {e.Message}");
            return false;
        }
    }

    public static ParseResult? TryParse(FileInfo file, CliConsole console) =>
        TryRead(file, console, out var text) ? DefinitionParser.Parse(text) : null;
}
