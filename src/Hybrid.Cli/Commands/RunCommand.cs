using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Json;
using Hybrid.Asl.Running;

namespace Hybrid.Cli.Commands;

/// <summary>
/// <c>hybrid run &lt;file&gt; [--input json | --input-file file] [--skip-waits] [--mock-config file --test-case name]
/// [--format text|json] [--history]</c>: runs a definition in-process. Exit 0 for SUCCEEDED, 1 for any other final
/// status, 2 for an invalid definition or input.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "The state machine definition (ASL JSON)." };
        var input = new Option<string?>("--input") { Description = "The execution input, as JSON text (default {})." };
        var inputFile = new Option<FileInfo?>("--input-file") { Description = "A file holding the execution input." };
        var skipWaits = new Option<bool>("--skip-waits") { Description = "Wait states and Retry intervals take no time (a virtual clock moves instead)." };
        var mockConfig = new Option<FileInfo?>("--mock-config") { Description = "A Step Functions Local MockConfigFile that answers Task states." };
        var testCase = new Option<string?>("--test-case") { Description = "The test case of the mock file to use." };
        var stateMachine = new Option<string?>("--state-machine") { Description = "The state machine name in the mock file (default: the file name without .asl.json, or the only one)." };
        var format = FormatOption.Create("'text' prints a trace of the states entered and the result; 'json' prints exactly one JSON object.");
        var history = new Option<bool>("--history") { Description = "Include the execution history (Step Functions event types)." };
        var command = new Command("run", "Runs a state machine in-process and prints its result.")
        {
            file, input, inputFile, skipWaits, mockConfig, testCase, stateMachine, format, history,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(input) is not null && result.GetResult(inputFile) is not null)
            {
                result.AddError("Use --input or --input-file, not both.");
            }

            if ((result.GetResult(mockConfig) is null) != (result.GetResult(testCase) is null))
            {
                result.AddError("--mock-config and --test-case go together.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new RunRequest(
                parse.GetValue(file)!,
                parse.GetValue(input),
                parse.GetValue(inputFile),
                parse.GetValue(skipWaits),
                parse.GetValue(mockConfig),
                parse.GetValue(testCase),
                parse.GetValue(stateMachine),
                parse.GetValue(format) == FormatOption.Json,
                parse.GetValue(history));
            return await RunAsync(request, console, cancellationToken);
        });
        return command;
    }

    private sealed record RunRequest(
        FileInfo File,
        string? Input,
        FileInfo? InputFile,
        bool SkipWaits,
        FileInfo? MockConfig,
        string? TestCase,
        string? StateMachine,
        bool Json,
        bool History);

    private static async Task<int> RunAsync(RunRequest request, CliConsole console, CancellationToken cancellationToken)
    {
        if (DefinitionFile.TryParse(request.File, console) is not { } parsed)
        {
            return ExitCodes.BadInput;
        }

        if (!parsed.IsValid)
        {
            console.Error.WriteLine($"hybrid: '{request.File}' is not a valid state machine:");
            ValidateCommand.Print(parsed.Diagnostics, FormatOption.Text, console.Error);
            return ExitCodes.BadInput;
        }

        if (!TryReadInput(request, console, out var input) || !TryLoadMocks(request, console, out var mocks))
        {
            return ExitCodes.BadInput;
        }

        var name = request.StateMachine ?? StateMachineName(request.File);
        var options = new DirectRunOptions { WaitMode = request.SkipWaits ? WaitMode.Skip : WaitMode.Real, Mocks = mocks };
        var start = TimeProvider.System.GetUtcNow();
        var history = request.History || !request.Json ? new ExecutionHistory() : null;
        var result = await new DirectRunner().RunAsync(parsed.StateMachine!, input, options, ExecutionInfo.Local(name, "local-" + start.ToUnixTimeMilliseconds(), start, input), history, cancellationToken);

        if (request.Json)
        {
            var json = new JsonObject { ["status"] = result.Status };
            if (result.Status == "SUCCEEDED")
            {
                json["output"] = AslJson.Adopt(result.Output);
            }

            if (result.Error is not null)
            {
                json["error"] = result.Error;
            }

            if (result.Cause is not null)
            {
                json["cause"] = result.Cause;
            }

            if (request.History)
            {
                json["history"] = HistoryJson(history!.Events);
            }

            console.Out.WriteLine(AslJson.ToJsonString(json));
        }
        else
        {
            PrintTrace(history!.Events, result, request.History, console.Out);
        }

        return result.Status == "SUCCEEDED" ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static bool TryReadInput(RunRequest request, CliConsole console, out JsonNode? input)
    {
        input = new JsonObject();
        string text;
        string source;
        if (request.InputFile is { } inputFile)
        {
            source = $"--input-file '{inputFile}'";
            try
            {
                text = File.ReadAllText(inputFile.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"hybrid: cannot read {source}: {e.Message}");
                return false;
            }
        }
        else if (request.Input is { } inline)
        {
            source = "--input";
            text = inline;
        }
        else
        {
            return true;
        }

        try
        {
            input = AslJson.Parse(text);
            return true;
        }
        catch (JsonException e)
        {
            console.Error.WriteLine($"hybrid: {source} is not valid JSON: {e.Message}");
            return false;
        }
    }

    private static bool TryLoadMocks(RunRequest request, CliConsole console, out MockedTaskResponses? mocks)
    {
        mocks = null;
        if (request.MockConfig is not { } file)
        {
            return true;
        }

        try
        {
            var config = MockConfig.Parse(File.ReadAllText(file.FullName));
            var name = request.StateMachine ?? StateMachineName(request.File);
            var names = config.StateMachineNames.ToList();
            if (!names.Contains(name) && request.StateMachine is null && names.Count == 1)
            {
                name = names[0];
            }

            mocks = config.TestCase(name, request.TestCase!);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or KeyNotFoundException)
        {
            console.Error.WriteLine($"hybrid: mock file '{file}': {e.Message}");
            return false;
        }
    }

    /// <summary>The state machine's name: the file name without <c>.asl.json</c> or <c>.json</c>.</summary>
    private static string StateMachineName(FileInfo file)
    {
        var name = file.Name;
        foreach (var suffix in new[] { ".asl.json", ".json", ".asl" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static JsonArray HistoryJson(IReadOnlyList<HistoryEvent> events)
    {
        var array = new JsonArray();
        foreach (var e in events)
        {
            var item = new JsonObject
            {
                ["id"] = e.Id,
                ["previousEventId"] = e.PreviousEventId,
                ["timestamp"] = ExecutionInfo.FormatTime(e.Timestamp),
                ["type"] = e.Type,
            };
            if (e.Details is not null)
            {
                foreach (var (key, value) in e.Details)
                {
                    item[key] = value?.DeepClone();
                }
            }

            array.Add(item);
        }

        return array;
    }

    private static void PrintTrace(IReadOnlyList<HistoryEvent> events, ExecutionResult result, bool allEvents, TextWriter writer)
    {
        foreach (var e in events)
        {
            if (allEvents)
            {
                writer.WriteLine($"{e.Id,4} {ExecutionInfo.FormatTime(e.Timestamp)} {e.Type}");
            }
            else if (e.Type.EndsWith("StateEntered", StringComparison.Ordinal) && e.Details?["stateEnteredEventDetails"]?["name"] is { } name)
            {
                writer.WriteLine($"-> {name} ({e.Type[..^"StateEntered".Length]})");
            }
        }

        writer.WriteLine(result.Status);
        if (result.Status == "SUCCEEDED")
        {
            writer.WriteLine(AslJson.ToJsonString(result.Output));
        }
        else
        {
            writer.WriteLine($"error: {result.Error}");
            if (!string.IsNullOrEmpty(result.Cause))
            {
                writer.WriteLine($"cause: {result.Cause}");
            }
        }
    }
}
