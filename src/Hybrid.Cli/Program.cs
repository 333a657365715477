namespace Hybrid.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => HybridCommand.InvokeAsync(args, Console.Out, Console.Error);
}
