using System.CommandLine;
using Hybrid.Cli.Commands;

namespace Hybrid.Cli;

/// <summary>The root of the <c>hybrid</c> command line. Each verb lives in a class of its own under Commands/.</summary>
internal static class HybridCommand
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        return new RootCommand("Hybrid runs Amazon States Language state machines as durable orchestrations on the Durable Task runtime.")
        {
            ValidateCommand.Create(console),
            RunCommand.Create(console),
            ServeCommand.Create(console),
            TokenCommand.Create(console),
        };
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Create(output, error).Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

/// <summary>Where a verb writes: standard output for results, standard error for diagnostics.</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error);

/// <summary>The exit codes of the command line, in one place.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The definition is invalid (validate), or the execution did not succeed (run).</summary>
    public const int Failure = 1;

    /// <summary>Bad input to the command itself: a missing file, malformed JSON, an invalid definition given to run.</summary>
    public const int BadInput = 2;
}
