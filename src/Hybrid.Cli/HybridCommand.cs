using System.CommandLine;

namespace Hybrid.Cli;

/// <summary>The root of the <c>hybrid</c> command line. Each verb lives in a class of its own.</summary>
internal static class HybridCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Hybrid runs Amazon States Language state machines as durable orchestrations on the Durable Task runtime.");
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Create().Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
