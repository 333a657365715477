using System.CommandLine;
using System.Text.Json.Nodes;
using Hybrid.Asl.Json;
using Hybrid.Asl.Validation;

namespace Hybrid.Cli.Commands;

/// <summary><c>hybrid validate &lt;file&gt; [--format text|json]</c>: exit 0 when valid, 1 with diagnostics, 2 when unreadable.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "The state machine definition (ASL JSON)." };
        var format = FormatOption.Create("How to print diagnostics: 'text' (one per line, <pointer>: <code>: <message>) or 'json' (an array).");
        var command = new Command("validate", "Checks an Amazon States Language definition and prints every problem with a JSON pointer.")
        {
            file,
            format,
        };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(format)!, console));
        return command;
    }

    private static int Run(FileInfo file, string format, CliConsole console)
    {
        if (DefinitionFile.TryParse(file, console) is not { } result)
        {
            return ExitCodes.BadInput;
        }

        Print(result.Diagnostics, format, console.Out);
        return result.IsValid ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static void Print(IReadOnlyList<Diagnostic> diagnostics, string format, TextWriter writer)
    {
        if (format == FormatOption.Json)
        {
            var array = new JsonArray();
            foreach (var d in diagnostics)
            {
                array.Add(new JsonObject
                {
                    ["pointer"] = d.Pointer,
                    ["code"] = d.Code,
                    ["message"] = d.Message,
                    ["severity"] = d.Severity == DiagnosticSeverity.Error ? "ERROR" : "WARNING",
                });
            }

            writer.WriteLine(AslJson.ToJsonString(array));
            return;
        }

        foreach (var d in diagnostics)
        {
            writer.WriteLine(d.ToString());
        }
    }
}

/// <summary>The shared <c>--format text|json</c> option.</summary>
internal static class FormatOption
{
    public const string Text = "text";
    public const string Json = "json";

    public static Option<string> Create(string description)
    {
        var option = new Option<string>("--format") { Description = description, DefaultValueFactory = _ => Text };
        option.AcceptOnlyFromAmong(Text, Json);
        return option;
    }
}
